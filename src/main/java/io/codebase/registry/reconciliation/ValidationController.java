package io.codebase.registry.reconciliation;

import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.problem.ProblemResponses;
import io.codebase.registry.project.ProjectParameter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Projects")
class ValidationController {

	private final ProjectLookup projects;

	private final ProjectValidator validator;

	ValidationController(ProjectLookup projects, ProjectValidator validator) {
		this.projects = projects;
		this.validator = validator;
	}

	@GetMapping(path = ProjectParameter.PATH + "/validation", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "validateProject", summary = "Check a project against the world",
			description = "Reports a missing or non-directory source path, a missing database, a failed or stuck "
					+ "provisioning and a stuck deletion, each with a suggested action. Changes nothing.")
	@ApiResponse(responseCode = "200", description = "The report; valid is true when there is no issue.")
	@ProblemResponses({ 404 })
	ValidationReport validate(
			@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project) {
		return this.validator.validate(this.projects.committed().get(project));
	}

}
