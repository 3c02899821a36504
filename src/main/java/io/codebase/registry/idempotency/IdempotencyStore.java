package io.codebase.registry.idempotency;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Keys and their outcomes in PostgreSQL ({@code idempotency_keys}). Every change is one statement, committed on
 * its own ({@code REQUIRES_NEW}), so a claim is visible to every replica before the handler runs and an outcome
 * survives whatever the handler's own transactions do.
 */
@Repository
class IdempotencyStore {

	/** Rows one purge statement deletes, so that a large backlog never makes one long-locking statement. */
	static final int PURGE_BATCH = 1000;

	/** Claims retried when the row found by the INSERT is gone before it could be read (released meanwhile). */
	private static final int CLAIM_ATTEMPTS = 3;

	private static final TypeReference<Map<String, List<String>>> HEADERS = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final IdempotencyProperties properties;

	IdempotencyStore(JdbcClient jdbc, JsonMapper json, IdempotencyProperties properties) {
		this.jdbc = jdbc;
		this.json = json;
		this.properties = properties;
	}

	/**
	 * Claims the key for a request, atomically across replicas: a new key, an expired one not purged yet, or an
	 * abandoned claim of the same request (past {@code locked_until}) becomes this request's; otherwise the row
	 * found tells the caller what to answer.
	 */
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	Claim claim(String caller, IdempotencyKey key, String operation, byte[] fingerprint) {
		for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
			UUID owner = UUID.randomUUID();
			int claimed = this.jdbc.sql("""
					INSERT INTO idempotency_keys AS k (caller, idempotency_key, operation, fingerprint, state, owner,
					    locked_until, expires_at)
					VALUES (:caller, :key, :operation, :fingerprint, 'IN_PROGRESS', :owner,
					    now() + :timeout * interval '1 millisecond', now() + :ttl * interval '1 millisecond')
					ON CONFLICT (caller, idempotency_key) DO UPDATE SET operation = EXCLUDED.operation,
					    fingerprint = EXCLUDED.fingerprint, state = 'IN_PROGRESS', owner = EXCLUDED.owner,
					    locked_until = EXCLUDED.locked_until, status = NULL, response_headers = NULL,
					    response_body = NULL, created_at = now(), completed_at = NULL, expires_at = EXCLUDED.expires_at
					WHERE k.expires_at <= now()
					   OR (k.state = 'IN_PROGRESS' AND k.locked_until <= now() AND k.fingerprint = EXCLUDED.fingerprint)""")
				.param("caller", caller).param("key", key.value()).param("operation", operation)
				.param("fingerprint", fingerprint).param("owner", owner)
				.param("timeout", this.properties.inProgressTimeout().toMillis())
				.param("ttl", this.properties.ttl().toMillis())
				.update();
			if (claimed == 1) {
				return new Claim.Acquired(owner);
			}
			Optional<Claim> existing = find(caller, key);
			if (existing.isPresent()) {
				return existing.get();
			}
		}
		// Released again and again under our feet: someone else is retrying this key right now.
		return new Claim.Running(fingerprint, Duration.ofSeconds(1));
	}

	private Optional<Claim> find(String caller, IdempotencyKey key) {
		return this.jdbc.sql("""
				SELECT fingerprint, state, status, response_headers, response_body,
				    GREATEST(0, ceil(extract(epoch FROM locked_until - now())))::bigint AS takeover_in
				FROM idempotency_keys WHERE caller = :caller AND idempotency_key = :key""")
			.param("caller", caller).param("key", key.value())
			.query(this::map)
			.optional();
	}

	private Claim map(ResultSet row, int rowNumber) throws SQLException {
		byte[] fingerprint = row.getBytes("fingerprint");
		if ("IN_PROGRESS".equals(row.getString("state"))) {
			return new Claim.Running(fingerprint, Duration.ofSeconds(row.getLong("takeover_in")));
		}
		String headers = row.getString("response_headers");
		byte[] body = row.getBytes("response_body");
		return new Claim.Completed(fingerprint, new StoredResponse(row.getInt("status"),
				(headers != null) ? this.json.readValue(headers, HEADERS) : Map.of(), (body != null) ? body : new byte[0]));
	}

	/**
	 * Replaces the claim by the outcome, kept for the ttl from now. False when the claim is no longer this
	 * request's: it ran past the in-progress timeout and another request took the key over.
	 */
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	boolean complete(String caller, IdempotencyKey key, UUID owner, StoredResponse response) {
		return this.jdbc.sql("""
				UPDATE idempotency_keys SET state = 'DONE', owner = NULL, locked_until = NULL, status = :status,
				    response_headers = CAST(:headers AS jsonb), response_body = :body, completed_at = now(),
				    expires_at = now() + :ttl * interval '1 millisecond'
				WHERE caller = :caller AND idempotency_key = :key AND owner = :owner""")
			.param("status", response.status()).param("headers", this.json.writeValueAsString(response.headers()))
			.param("body", response.body()).param("ttl", this.properties.ttl().toMillis())
			.param("caller", caller).param("key", key.value()).param("owner", owner)
			.update() == 1;
	}

	/** Forgets the claim, so that a retry with the key runs again; only the claim's own request may. */
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	void release(String caller, IdempotencyKey key, UUID owner) {
		this.jdbc.sql("DELETE FROM idempotency_keys WHERE caller = :caller AND idempotency_key = :key AND owner = :owner")
			.param("caller", caller).param("key", key.value()).param("owner", owner)
			.update();
	}

	/** Deletes expired keys, {@value #PURGE_BATCH} per statement; replicas purging at once skip each other's rows. */
	int purgeExpired() {
		int purged = 0;
		int batch;
		do {
			batch = this.jdbc.sql("""
					DELETE FROM idempotency_keys WHERE (caller, idempotency_key) IN (
					    SELECT caller, idempotency_key FROM idempotency_keys WHERE expires_at <= now()
					    LIMIT :batch FOR UPDATE SKIP LOCKED)""")
				.param("batch", PURGE_BATCH)
				.update();
			purged += batch;
		}
		while (batch == PURGE_BATCH);
		return purged;
	}

}
