package io.codebase.registry.project;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.data.domain.Page;

/** One page of a project list, with the totals a client needs to page through all of it. */
@Schema(description = "A page of projects with total counts.",
		example = "{\"content\": [], \"page\": 0, \"size\": 20, \"totalElements\": 0, \"totalPages\": 0}")
public record ProjectPage(
		@Schema(description = "The projects on this page.", requiredMode = Schema.RequiredMode.REQUIRED) List<ProjectView> content,
		@Schema(description = "Zero-based page number.", example = "0", requiredMode = Schema.RequiredMode.REQUIRED) int page,
		@Schema(description = "Requested page size.", example = "20", requiredMode = Schema.RequiredMode.REQUIRED) int size,
		@Schema(description = "Projects matching the filters, on all pages.", example = "137", requiredMode = Schema.RequiredMode.REQUIRED) long totalElements,
		@Schema(description = "Number of pages.", example = "7", requiredMode = Schema.RequiredMode.REQUIRED) int totalPages) {

	static ProjectPage of(Page<ProjectView> page) {
		return new ProjectPage(page.getContent(), page.getNumber(), page.getSize(), page.getTotalElements(),
				page.getTotalPages());
	}

}
