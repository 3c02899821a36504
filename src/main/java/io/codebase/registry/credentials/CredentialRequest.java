package io.codebase.registry.credentials;

import io.swagger.v3.oas.annotations.media.Schema;

/** What a caller may ask of a new credential: how long it lives. */
@Schema(description = "Options of a new credential; the body may be left out.", example = """
		{"ttlSeconds": 3600}""")
public record CredentialRequest(
		@Schema(description = "How long the credential is valid, in seconds: from 1 to registry.credentials.max-ttl "
				+ "(24 h by default); left out: registry.credentials.default-ttl (1 h).", example = "3600",
				minimum = "1", nullable = true) Long ttlSeconds) {
}
