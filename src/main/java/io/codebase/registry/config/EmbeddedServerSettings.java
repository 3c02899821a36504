package io.codebase.registry.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The server settings every embedded PostgreSQL gets, the application's and the tests' alike: what moving a
 * project database with logical replication needs, PostgreSQL's defaults otherwise. They are passed at every
 * start, so an existing data directory gets them on its next start too.
 */
public final class EmbeddedServerSettings {

	private EmbeddedServerSettings() {
	}

	public static EmbeddedPostgres.Builder apply(EmbeddedPostgres.Builder builder) {
		return builder
			// Logical decoding: the source of a move publishes its tables.
			.setServerConfig("wal_level", "logical")
			// Per move, one slot (and one WAL sender) streams and one copies a table; the target counts its
			// replication origins against the same setting. Twice the default of 10, for a drain's parallel moves.
			.setServerConfig("max_replication_slots", "20")
			.setServerConfig("max_wal_senders", "20");
	}

}
