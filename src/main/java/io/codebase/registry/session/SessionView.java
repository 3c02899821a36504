package io.codebase.registry.session;

import java.time.Instant;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "Session", description = "A client session: its working directory and active project.",
		example = """
				{"sessionId": "mcp-7f3a", "workingDirectory": "/home/dev/src/payments",
				 "activeProjectId": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", "createdAt": "2026-11-23T19:20:14.932Z",
				 "lastSeenAt": "2026-11-23T19:25:00.000Z", "expiresAt": "2026-11-24T19:25:00.000Z"}""")
public record SessionView(
		@Schema(description = "The session id chosen by the client.", example = "mcp-7f3a", requiredMode = Schema.RequiredMode.REQUIRED) String sessionId,
		@Schema(description = "Absolute real path the client works in.", example = "/home/dev/src/payments", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String workingDirectory,
		@Schema(description = "The session's active project, if any.", example = "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) UUID activeProjectId,
		@Schema(description = "When the session was first seen.", example = "2026-11-23T19:20:14.932Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant createdAt,
		@Schema(description = "When the session was last used.", example = "2026-11-23T19:25:00Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant lastSeenAt,
		@Schema(description = "When the session expires unless used again.", example = "2026-11-24T19:25:00Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant expiresAt) {
}
