package io.codebase.registry.resolution;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.codebase.registry.credentials.Credential;
import io.codebase.registry.project.ProjectConnection;
import io.codebase.registry.project.ProjectView;
import io.swagger.v3.oas.annotations.media.Schema;

/** Which project a caller means, and where its data lives. */
@Schema(description = "The resolved project, its database and how it was found.",
		example = """
				{"project": {"id": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", "name": "Payments Service", "description": null,
				   "databaseName": "cb_proj_payments_service_3f6c1a52", "state": "READY", "schemaVersion": "1",
				   "indexStatus": "NOT_INDEXED", "indexMessage": null, "indexReportedAt": null, "indexUpdatedAt": null,
				   "sourcePath": "/home/dev/src/payments", "metadata": {}, "lastError": null, "version": 1,
				   "createdAt": "2026-11-23T19:20:14.932Z", "updatedAt": "2026-11-23T19:20:15.101Z", "server": "default",
				   "connection": {"server": "default", "host": "localhost", "port": 54329, "database": "cb_proj_payments_service_3f6c1a52",
				    "jdbcUrl": "jdbc:postgresql://localhost:54329/cb_proj_payments_service_3f6c1a52",
				    "uri": "postgresql://localhost:54329/cb_proj_payments_service_3f6c1a52"}},
				 "databaseName": "cb_proj_payments_service_3f6c1a52",
				 "jdbcUrl": "jdbc:postgresql://localhost:54329/cb_proj_payments_service_3f6c1a52",
				 "connection": {"server": "default", "host": "localhost", "port": 54329, "database": "cb_proj_payments_service_3f6c1a52",
				  "jdbcUrl": "jdbc:postgresql://localhost:54329/cb_proj_payments_service_3f6c1a52",
				  "uri": "postgresql://localhost:54329/cb_proj_payments_service_3f6c1a52"},
				 "tier": "SESSION_CONFIG", "fallback": false, "created": true, "servedFromCache": false}""")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Resolution(
		@Schema(description = "The project.", requiredMode = Schema.RequiredMode.REQUIRED) ProjectView project,
		@Schema(description = "The project's database.", example = "cb_proj_payments_service_3f6c1a52", requiredMode = Schema.RequiredMode.REQUIRED) String databaseName,
		@Schema(description = "JDBC URL of the project's database (no credentials).",
				example = "jdbc:postgresql://localhost:54329/cb_proj_payments_service_3f6c1a52", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String jdbcUrl,
		@Schema(description = "Where the project's database is: server, host, port, database, JDBC URL and libpq URI, without credentials.", requiredMode = Schema.RequiredMode.REQUIRED) ProjectConnection connection,
		@Schema(description = "The tier that decided.", example = "SESSION_CONFIG", requiredMode = Schema.RequiredMode.REQUIRED) Tier tier,
		@Schema(description = "True only for the default workspace: the caller identified no project.", example = "false", requiredMode = Schema.RequiredMode.REQUIRED) boolean fallback,
		@Schema(description = "True when this resolution created the project (auto-create from a config).", example = "true", requiredMode = Schema.RequiredMode.REQUIRED) boolean created,
		@Schema(description = "True when this replica answered while it could not hear the registry database's change "
				+ "notifications (the database unreachable, or its listener reconnecting): the project comes from the "
				+ "replica's in-memory cache, unconfirmed, and may be stale. The response then also carries the header "
				+ "X-Served-From-Cache: true. False when the answer is known to be current.", example = "false", requiredMode = Schema.RequiredMode.REQUIRED) boolean servedFromCache,
		@Schema(description = "Every tier tried; present only with explain=true.") List<TraceEntry> trace,
		@Schema(description = "A new short-lived login for the project's database; present only with "
				+ "credentials=true. READ_WRITE for admin callers, READ_ONLY for readers.") Credential credentials) {

	/** The same resolution, carrying a credential issued for its project. */
	Resolution withCredentials(Credential credential) {
		return new Resolution(this.project, this.databaseName, this.jdbcUrl, this.connection, this.tier, this.fallback,
				this.created, this.servedFromCache, this.trace, credential);
	}

}
