package io.codebase.registry.credentials;

import java.time.Instant;

import io.codebase.registry.project.ProjectConnection;
import io.swagger.v3.oas.annotations.media.Schema;

/** A login for one project's database, answered once: its password is stored nowhere. */
@Schema(description = "A short-lived PostgreSQL login for one project's database. The password is shown only in this "
		+ "answer: the registry keeps no copy.", example = """
				{"name": "cb_proj_cred_3f6c1a52_k3v9q0x7m2pa", "password": "Qm7vX2pLr9TzW4kH8sJd3NfB6yGc1RaE5uVn0ZxT",
				 "expiresAt": "2026-11-29T06:00:00Z", "access": "READ_WRITE",
				 "connection": {"server": "default", "host": "localhost", "port": 5432, "database": "cb_proj_payments_service_3f6c1a52",
				  "jdbcUrl": "jdbc:postgresql://localhost:5432/cb_proj_payments_service_3f6c1a52",
				  "uri": "postgresql://localhost:5432/cb_proj_payments_service_3f6c1a52"}}""")
public record Credential(
		@Schema(description = "The login (PostgreSQL role) name; DELETE .../credentials/{name} revokes it.",
				example = "cb_proj_cred_3f6c1a52_k3v9q0x7m2pa", requiredMode = Schema.RequiredMode.REQUIRED) String name,
		@Schema(description = "The password, 40 random letters and digits; shown only here.",
				example = "Qm7vX2pLr9TzW4kH8sJd3NfB6yGc1RaE5uVn0ZxT", requiredMode = Schema.RequiredMode.REQUIRED) String password,
		@Schema(description = "When PostgreSQL stops accepting the login (VALID UNTIL).", example = "2026-11-29T06:00:00Z",
				requiredMode = Schema.RequiredMode.REQUIRED) Instant expiresAt,
		@Schema(description = "READ_WRITE for admin callers, READ_ONLY for reader callers.", example = "READ_WRITE",
				requiredMode = Schema.RequiredMode.REQUIRED) Access access,
		@Schema(description = "Where to connect.", requiredMode = Schema.RequiredMode.REQUIRED) ProjectConnection connection) {

	/** Never the password: records are printed in logs and assertion messages. */
	@Override
	public String toString() {
		return "Credential[name=" + this.name + ", expiresAt=" + this.expiresAt + ", access=" + this.access + "]";
	}

}
