package io.codebase.registry.rollout;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** One page of a rollout's items, FAILED first, then by wave and project name, and the cursor of the next page. */
@Schema(name = "SchemaRolloutItemPage", description = "A page of a schema rollout's items: FAILED first, then by wave and project name.",
		example = "{\"content\": [], \"next\": null}")
public record RolloutItemPage(
		@Schema(description = "The items on this page.", requiredMode = Schema.RequiredMode.REQUIRED) List<RolloutItem> content,
		@Schema(description = "Opaque cursor of the next page (also in the Link header, rel=\"next\"); null on the last page.",
				example = "MXwyfDNmNmMxYTUyLThmMGUtNGQ0ZS05YzU1LTJiN2Y3YTBjOWUxMXxQYXltZW50cyBTZXJ2aWNl", nullable = true,
				requiredMode = Schema.RequiredMode.REQUIRED) String next) {
}
