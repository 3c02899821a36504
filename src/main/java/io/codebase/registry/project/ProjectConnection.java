package io.codebase.registry.project;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Where a project's database is, without any secret: with a credential
 * ({@code POST /api/v1/projects/{project}/credentials}) a client needs nothing else to connect.
 *
 * @param host null (as are port and the URLs) when the server is not configured on this replica
 */
@Schema(name = "Connection", description = "Where the project's database is: the server and the database, as a JDBC "
		+ "URL and a libpq URI. Never carries credentials.", example = """
				{"server": "pg-eu-1", "host": "pg-eu-1.db.internal", "port": 5432, "database": "cb_proj_payments_service_3f6c1a52",
				 "jdbcUrl": "jdbc:postgresql://pg-eu-1.db.internal:5432/cb_proj_payments_service_3f6c1a52",
				 "uri": "postgresql://pg-eu-1.db.internal:5432/cb_proj_payments_service_3f6c1a52"}""")
public record ProjectConnection(
		@Schema(description = "The database server's name in the registry.", example = "pg-eu-1", requiredMode = Schema.RequiredMode.REQUIRED) String server,
		@Schema(description = "Host to connect to.", example = "pg-eu-1.db.internal", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String host,
		@Schema(description = "Port to connect to.", example = "5432", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Integer port,
		@Schema(description = "The project's database.", example = "cb_proj_payments_service_3f6c1a52", requiredMode = Schema.RequiredMode.REQUIRED) String database,
		@Schema(description = "JDBC URL of the database, without credentials.", example = "jdbc:postgresql://pg-eu-1.db.internal:5432/cb_proj_payments_service_3f6c1a52", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String jdbcUrl,
		@Schema(description = "libpq connection URI of the database, without credentials, for psql and libpq clients.", example = "postgresql://pg-eu-1.db.internal:5432/cb_proj_payments_service_3f6c1a52", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String uri) {
}
