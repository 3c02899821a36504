package io.codebase.registry.reconciliation;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** When each orphan database was first seen (table orphan_databases), so that a grace period survives restarts. */
@Repository
class OrphanDatabases {

	private final JdbcClient jdbc;

	OrphanDatabases(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** First sightings of these databases, as far as they have been recorded; changes nothing. */
	Map<String, Instant> firstSeen(Collection<String> orphans) {
		Map<String, Instant> all = all();
		all.keySet().retainAll(new HashSet<>(orphans));
		return all;
	}

	/**
	 * Records the orphans seen now: new ones with {@code now}, known ones keep their first sighting, and
	 * databases that are no longer orphans are forgotten. Returns the first sighting of each current orphan.
	 */
	Map<String, Instant> record(Collection<String> orphans, Instant now) {
		Set<String> current = new HashSet<>(orphans);
		for (String name : current) {
			this.jdbc.sql("INSERT INTO orphan_databases (database_name, first_seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
				.param(name).param(Timestamp.from(now)).update();
		}
		Map<String, Instant> all = all();
		for (String gone : all.keySet()) {
			if (!current.contains(gone)) {
				forget(gone);
			}
		}
		all.keySet().retainAll(current);
		return all;
	}

	void forget(String databaseName) {
		this.jdbc.sql("DELETE FROM orphan_databases WHERE database_name = ?").param(databaseName).update();
	}

	private Map<String, Instant> all() {
		return this.jdbc.sql("SELECT database_name, first_seen_at FROM orphan_databases")
			.query((row, rowNumber) -> Map.entry(row.getString(1), row.getTimestamp(2).toInstant()))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (first, second) -> first, HashMap::new));
	}

}
