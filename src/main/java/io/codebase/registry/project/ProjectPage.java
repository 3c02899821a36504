package io.codebase.registry.project;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** One page of a project list: its projects, the link to the next page, and the total if one was asked for. */
@Schema(description = "A page of projects. Follow `next` (also sent as a `Link: <...>; rel=\"next\"` header) until it is "
		+ "null; the total is there only when `count` asked for one.",
		example = "{\"content\": [], \"size\": 20, \"next\": null, \"nextCursor\": null, \"count\": \"none\"}")
public record ProjectPage(
		@Schema(description = "The projects on this page.", requiredMode = Schema.RequiredMode.REQUIRED) List<ProjectView> content,
		@Schema(description = "Requested page size.", example = "20", requiredMode = Schema.RequiredMode.REQUIRED) int size,
		@Schema(description = "The next page (the same filters, sort and size with `cursor`); null on the last page.",
				example = "/api/v1/projects?sort=name%2Casc&size=20&cursor=cDF8bmFtZSxhc2N8", nullable = true,
				requiredMode = Schema.RequiredMode.REQUIRED) String next,
		@Schema(description = "The `cursor` of the next page; null on the last page.", example = "cDF8bmFtZSxhc2N8",
				nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String nextCursor,
		@Schema(description = "What `totalElements` is: `exact`, `estimate` (the planner's row estimate) or `none`.",
				example = "none", allowableValues = { "exact", "estimate", "none" },
				requiredMode = Schema.RequiredMode.REQUIRED) String count,
		@Schema(description = "Projects matching the filters, on all pages (exact or estimated, see `count`); absent "
				+ "when `count` is `none`.", example = "137") @JsonInclude(JsonInclude.Include.NON_NULL) Long totalElements,
		@Schema(description = "Number of pages of this size, from `totalElements`; absent when `count` is `none`.",
				example = "7") @JsonInclude(JsonInclude.Include.NON_NULL) Integer totalPages,
		@Schema(description = "Zero-based page number in the deprecated `page` form; absent on cursor pages.",
				example = "0", deprecated = true) @JsonInclude(JsonInclude.Include.NON_NULL) Integer page) {

	static ProjectPage of(ProjectListing.Listed listed, int size, Integer page, ListCount count, String next,
			String nextCursor) {
		Integer pages = (listed.total() == null) ? null : (int) Math.min(Integer.MAX_VALUE, (listed.total() + size - 1) / size);
		return new ProjectPage(listed.content(), size, next, nextCursor, count.toString(), listed.total(), pages, page);
	}

}
