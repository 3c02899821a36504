package io.codebase.registry.session;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Sessions in PostgreSQL. Upserts and the sliding expiry are single statements, so replicas never race. */
@Repository
class SessionRepository {

	private static final String COLUMNS = "session_id, working_directory, active_project_id, created_at, last_seen_at, expires_at";

	private final JdbcClient jdbc;

	SessionRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	SessionView putWorkingDirectory(String sessionId, String workingDirectory, Duration ttl) {
		return upsert(sessionId, "working_directory", workingDirectory, ttl);
	}

	SessionView putActiveProject(String sessionId, UUID projectId, Duration ttl) {
		return upsert(sessionId, "active_project_id", projectId, ttl);
	}

	/** Starts the session or updates it, in one statement; {@code column} is one of this class's constants. */
	private SessionView upsert(String sessionId, String column, Object value, Duration ttl) {
		return this.jdbc.sql("INSERT INTO sessions (session_id, " + column + ", expires_at)"
				+ " VALUES (:id, :value, now() + :ttl * interval '1 millisecond')"
				+ " ON CONFLICT (session_id) DO UPDATE SET " + column + " = :value, last_seen_at = now(),"
				+ " expires_at = now() + :ttl * interval '1 millisecond' RETURNING " + COLUMNS)
			.param("id", sessionId).param("value", value).param("ttl", interval(ttl))
			.query(SessionRepository::map)
			.single();
	}

	/** The live session, its expiry pushed forward (sliding TTL); expired sessions are not found. */
	Optional<SessionView> touch(String sessionId, Duration ttl) {
		return this.jdbc.sql("""
				UPDATE sessions SET last_seen_at = now(), expires_at = now() + :ttl * interval '1 millisecond'
				WHERE session_id = :id AND expires_at > now()
				RETURNING\s""" + COLUMNS)
			.param("id", sessionId).param("ttl", interval(ttl))
			.query(SessionRepository::map)
			.optional();
	}

	Optional<SessionView> clearActiveProject(String sessionId, Duration ttl) {
		return this.jdbc.sql("""
				UPDATE sessions SET active_project_id = NULL, last_seen_at = now(), expires_at = now() + :ttl * interval '1 millisecond'
				WHERE session_id = :id AND expires_at > now()
				RETURNING\s""" + COLUMNS)
			.param("id", sessionId).param("ttl", interval(ttl))
			.query(SessionRepository::map)
			.optional();
	}

	boolean delete(String sessionId) {
		return this.jdbc.sql("DELETE FROM sessions WHERE session_id = :id").param("id", sessionId).update() == 1;
	}

	int deleteExpired() {
		return this.jdbc.sql("DELETE FROM sessions WHERE expires_at <= now()").update();
	}

	private static long interval(Duration ttl) {
		return ttl.toMillis();
	}

	private static SessionView map(ResultSet row, int rowNumber) throws SQLException {
		return new SessionView(row.getString("session_id"), row.getString("working_directory"),
				row.getObject("active_project_id", UUID.class), instant(row.getTimestamp("created_at")),
				instant(row.getTimestamp("last_seen_at")), instant(row.getTimestamp("expires_at")));
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp.toInstant();
	}

}
