package io.codebase.registry.project;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import io.codebase.registry.fleet.PlacementRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A new project. The same rules apply to a project after a merge patch, which is checked as this record.
 */
@Schema(description = "A project to register; its database is created before the response is sent.",
		example = "{\"name\": \"Payments Service\", \"description\": \"Card payment APIs\", \"sourcePath\": \"/home/dev/src/payments\", \"metadata\": {\"language\": \"java\"}}")
public record CreateProjectRequest(
		@Schema(description = "Unique name (case-insensitive): " + ProjectName.RULE + ".", example = "Payments Service",
				requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 255, pattern = ProjectName.REGEX)
		@NotNull @Pattern(regexp = ProjectName.REGEX, message = "must be " + ProjectName.RULE) String name,

		@Schema(description = "Free text.", example = "Card payment APIs", maxLength = MAX_DESCRIPTION_LENGTH)
		@Size(max = MAX_DESCRIPTION_LENGTH) @StorableText String description,

		@Schema(description = "Path of the source code to index.", example = "/home/dev/src/payments",
				maxLength = MAX_SOURCE_PATH_LENGTH)
		@Size(max = MAX_SOURCE_PATH_LENGTH)
		@Pattern(regexp = NO_CONTROL_CHARACTERS, message = "must not contain control characters") @StorableText String sourcePath,

		@Schema(description = "Free-form JSON object (64 KiB and 16 levels deep at most by default).",
				example = "{\"language\": \"java\"}")
		Map<String, Object> metadata,

		@Schema(description = "Where the project's database may be placed; none: any eligible server.")
		@Valid PlacementRequest placement) {

	public CreateProjectRequest {
		placement = PlacementRequest.orAny(placement);
	}

	/** A project placed wherever the placement policy chooses. */
	public CreateProjectRequest(String name, String description, String sourcePath, Map<String, Object> metadata) {
		this(name, description, sourcePath, metadata, null);
	}

	static final int MAX_DESCRIPTION_LENGTH = 10_000;

	static final int MAX_SOURCE_PATH_LENGTH = 4096;

	/**
	 * No ASCII control character (U+0000-U+001F, U+007F), anchored and in the syntax Java and ECMAScript regexes
	 * share, because the OpenAPI document publishes it for clients to check with.
	 */
	static final String NO_CONTROL_CHARACTERS = "^[^\\x00-\\x1F\\x7F]*$";

}
