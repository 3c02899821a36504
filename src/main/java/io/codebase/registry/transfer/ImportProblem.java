package io.codebase.registry.transfer;

import io.swagger.v3.oas.annotations.media.Schema;

/** One thing wrong with one entry of an import file. */
@Schema(description = "An entry of the import file and what is wrong with it.",
		example = "{\"entry\": \"e02fd0e4-00fd-490a-bd5a-3e5b0d8a8a1b\", \"field\": \"training_status\", \"message\": \"'half_done' is not one of not_started, training, completed, failed\"}")
record ImportProblem(
		@Schema(description = "The entry: its id, or its position.", example = "e02fd0e4-00fd-490a-bd5a-3e5b0d8a8a1b", requiredMode = Schema.RequiredMode.REQUIRED) String entry,
		@Schema(description = "The field of the entry.", example = "training_status", requiredMode = Schema.RequiredMode.REQUIRED) String field,
		@Schema(description = "What is wrong.", example = "'half_done' is not one of not_started, training, completed, failed", requiredMode = Schema.RequiredMode.REQUIRED) String message) {
}
