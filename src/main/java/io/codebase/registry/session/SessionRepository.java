package io.codebase.registry.session;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Sessions in PostgreSQL. Upserts and the sliding expiry are single statements, so replicas never race. */
@Repository
class SessionRepository {

	private static final String COLUMNS = "session_id, working_directory, active_project_id, created_at, last_seen_at, expires_at";

	private static final String WORKING_DIRECTORY = "working_directory";

	private static final String ACTIVE_PROJECT = "active_project_id";

	private final JdbcClient jdbc;

	SessionRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	SessionView putWorkingDirectory(String sessionId, String workingDirectory, Duration ttl) {
		return upsert(sessionId, WORKING_DIRECTORY, workingDirectory, ttl);
	}

	SessionView putActiveProject(String sessionId, UUID projectId, Duration ttl) {
		return upsert(sessionId, ACTIVE_PROJECT, projectId, ttl);
	}

	private static String other(String column) {
		return column.equals(WORKING_DIRECTORY) ? ACTIVE_PROJECT : WORKING_DIRECTORY;
	}

	/** Starts the session or updates it, in one statement; {@code column} is one of this class's constants. */
	private SessionView upsert(String sessionId, String column, Object value, Duration ttl) {
		return this.jdbc.sql("INSERT INTO sessions (session_id, " + column + ", expires_at)"
				+ " VALUES (:id, :value, now() + :ttl * interval '1 millisecond')"
				+ " ON CONFLICT (session_id) DO UPDATE SET " + column + " = :value, last_seen_at = now(),"
				+ " expires_at = now() + :ttl * interval '1 millisecond',"
				// An expired session not purged yet starts over: nothing of its earlier life carries on.
				+ " created_at = CASE WHEN sessions.expires_at <= now() THEN now() ELSE sessions.created_at END,"
				+ " " + other(column) + " = CASE WHEN sessions.expires_at <= now() THEN NULL ELSE sessions." + other(column) + " END"
				+ " RETURNING " + COLUMNS)
			.param("id", sessionId).param("value", value).param("ttl", interval(ttl))
			.query(SessionRepository::map)
			.single();
	}

	/**
	 * Live sessions whose active project this is, most recently used first (ties by session id), after the position
	 * ({@code lastSeenAt}, {@code sessionId}) of the previous page's last session when given.
	 */
	List<SessionView> activeFor(UUID projectId, Instant lastSeenAt, String sessionId, int limit) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE active_project_id = :project AND expires_at > now()"
				+ " AND (CAST(:seen AS timestamptz) IS NULL OR last_seen_at < :seen OR (last_seen_at = :seen AND session_id > :after))"
				+ " ORDER BY last_seen_at DESC, session_id LIMIT :limit")
			.param("project", projectId)
			.param("seen", (lastSeenAt != null) ? OffsetDateTime.ofInstant(lastSeenAt, ZoneOffset.UTC) : null, Types.TIMESTAMP_WITH_TIMEZONE)
			.param("after", sessionId, Types.VARCHAR)
			.param("limit", limit)
			.query(SessionRepository::map)
			.list();
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

	/** Deletes the session; true only if it was still live (an expired one is deleted too, but was already gone). */
	boolean delete(String sessionId) {
		return this.jdbc.sql("DELETE FROM sessions WHERE session_id = :id RETURNING expires_at > now()")
			.param("id", sessionId)
			.query(Boolean.class)
			.optional()
			.orElse(false);
	}

	long countExpired() {
		return this.jdbc.sql("SELECT count(*) FROM sessions WHERE expires_at <= now()").query(Long.class).single();
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
