package io.codebase.registry.resolution;

import io.swagger.v3.oas.annotations.media.Schema;

/** What one tier did during a resolution. */
@Schema(description = "One step of a resolution.",
		example = "{\"tier\": \"SESSION_CONFIG\", \"outcome\": \"HIT\", \"reason\": \"project.name 'Payments Service' in /home/dev/src/payments/.codebase-mcp/config.json\", \"micros\": 412}")
public record TraceEntry(
		@Schema(description = "The tier.", example = "SESSION_CONFIG", requiredMode = Schema.RequiredMode.REQUIRED) Tier tier,
		@Schema(description = "HIT: it decided; MISS: it found nothing; SKIPPED: it had nothing to go on; ERROR: it failed.", example = "HIT", requiredMode = Schema.RequiredMode.REQUIRED) Outcome outcome,
		@Schema(description = "Why, in words.", example = "project.name 'Payments Service' in /home/dev/src/payments/.codebase-mcp/config.json", requiredMode = Schema.RequiredMode.REQUIRED) String reason,
		@Schema(description = "Time spent, in microseconds.", example = "412", requiredMode = Schema.RequiredMode.REQUIRED) long micros) {

	public enum Outcome {

		HIT, MISS, SKIPPED, ERROR

	}

}
