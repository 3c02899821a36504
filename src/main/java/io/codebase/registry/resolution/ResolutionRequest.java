package io.codebase.registry.resolution;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/** What a caller knows about the project it means; every member is optional. */
@Schema(description = "What the caller knows; the tiers use it in order. All members are optional.",
		example = "{\"sessionId\": \"mcp-7f3a\", \"explain\": true}")
public record ResolutionRequest(
		@Schema(description = "Project id or name (tier EXPLICIT); unknown is a 404, never a fallback.", example = "Payments Service") String project,
		@Schema(description = "Session id (or header X-Session-Id): its working directory's config file and active project.", example = "mcp-7f3a") String sessionId,
		@Schema(description = "A .codebase-mcp/config.json document sent inline, for clients whose files the service cannot see.",
				example = "{\"version\": \"1.0\", \"project\": {\"name\": \"Payments Service\"}}") Map<String, Object> config,
		@Schema(description = "Refuse the default workspace: answer 404 when nothing identifies a project.", example = "false") Boolean strict,
		@Schema(description = "Include the trace of every tier tried.", example = "true") Boolean explain,
		@Schema(description = "Also issue a short-lived login for the resolved project's database, as POST "
				+ "/api/v1/projects/{project}/credentials does with the default TTL (READ_ONLY for readers).",
				example = "false") Boolean credentials) {

	ResolutionRequest(String project, String sessionId, Map<String, Object> config, Boolean strict, Boolean explain) {
		this(project, sessionId, config, strict, explain, null);
	}

	boolean wantsCredentials() {
		return Boolean.TRUE.equals(this.credentials);
	}

	boolean isStrict() {
		return Boolean.TRUE.equals(this.strict);
	}

	boolean isExplain() {
		return Boolean.TRUE.equals(this.explain);
	}

}
