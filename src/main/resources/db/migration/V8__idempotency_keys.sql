-- Retry-safe writes (the Idempotency-Key request header): the first outcome of each key, per caller.
-- A request claims its key with one INSERT ... ON CONFLICT, committed before the handler runs, so that exactly one
-- request per key runs across every replica; the outcome replaces the claim. Expired rows are purged on a schedule.

CREATE TABLE idempotency_keys (
    -- The API key's name (registry.security.keys[].name), or 'anonymous' without keys: keys never cross callers.
    caller           varchar(64)  NOT NULL,
    idempotency_key  varchar(255) NOT NULL,
    -- Method and route template, e.g. 'POST /api/v1/projects/{id}/provision'; for people reading the table.
    operation        varchar(200) NOT NULL,
    -- SHA-256 of method, path, query and body: the same key with another request is refused (422).
    fingerprint      bytea        NOT NULL CONSTRAINT idempotency_keys_fingerprint_length CHECK (length(fingerprint) = 32),
    state            varchar(16)  NOT NULL
                     CONSTRAINT idempotency_keys_state_values CHECK (state IN ('IN_PROGRESS', 'DONE')),
    -- The claim of the request running it (IN_PROGRESS); only that request may store or release the outcome.
    owner            uuid,
    -- An IN_PROGRESS claim past this time is taken to be abandoned (its replica died) and may be taken over.
    locked_until     timestamptz,
    status           smallint,
    -- Replayed headers (Location, ETag, Content-Type...), as {"Name": ["value", ...]}.
    response_headers jsonb,
    response_body    bytea,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    expires_at       timestamptz  NOT NULL,
    PRIMARY KEY (caller, idempotency_key),
    CONSTRAINT idempotency_keys_state_columns CHECK (
        (state = 'IN_PROGRESS' AND owner IS NOT NULL AND locked_until IS NOT NULL AND status IS NULL)
        OR (state = 'DONE' AND owner IS NULL AND status IS NOT NULL AND completed_at IS NOT NULL))
);

CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
