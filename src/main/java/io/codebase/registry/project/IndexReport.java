package io.codebase.registry.project;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** A client's report of indexing progress. */
@Schema(description = "An index-status report: NOT_INDEXED → INDEXING → INDEXED or FAILED; INDEXING may be repeated as progress.",
		example = "{\"status\": \"INDEXING\", \"message\": \"412 of 1300 files\", \"reportedAt\": \"2026-11-23T19:21:00Z\"}")
public record IndexReport(
		@Schema(description = "The new index status.", example = "INDEXING", requiredMode = Schema.RequiredMode.REQUIRED)
		@NotNull IndexStatus status,
		@Schema(description = "What the client wants to say about it (progress, the error).", example = "412 of 1300 files",
				maxLength = MAX_MESSAGE_LENGTH)
		@Size(max = MAX_MESSAGE_LENGTH) @StorableText String message,
		@Schema(description = "When it happened, by the client's clock.", example = "2026-11-23T19:21:00Z") Instant reportedAt) {

	static final int MAX_MESSAGE_LENGTH = 2000;

}
