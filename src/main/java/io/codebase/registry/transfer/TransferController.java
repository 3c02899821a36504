package io.codebase.registry.transfer;

import io.codebase.registry.problem.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
@Tag(name = "Import and export", description = "Move projects in from the old registry, or between registries.")
class TransferController {

	private final ImportService imports;

	private final ExportService exports;

	TransferController(ImportService imports, ExportService exports) {
		this.imports = imports;
		this.exports = exports;
	}

	@PostMapping(path = "/api/v1/imports", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "importProjects", summary = "Import projects from the old registry or an export",
			description = "Takes the codebase-gardener registry file (~/.codebase-gardener/registry.json) or this "
					+ "service's export, and registers every project with its database, keeping ids. The whole file is "
					+ "checked first: a truncated file or any bad entry is a 422 listing every problem, and nothing is "
					+ "imported. Re-importing is idempotent.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					description = "The file, as it is.",
					content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object"),
							examples = @ExampleObject(name = "codebase-gardener", value = """
									{"version": "1.0", "projects": {"0f8fad5b-d9cb-469f-a165-70867728950e": {
									 "project_id": "0f8fad5b-d9cb-469f-a165-70867728950e", "name": "inventory",
									 "source_path": "/srv/code/inventory", "training_status": "completed", "language": "python"}},
									 "active_project": "0f8fad5b-d9cb-469f-a165-70867728950e"}"""))))
	@ApiResponse(responseCode = "200", description = "What was imported, already there, skipped and renamed.")
	@ProblemResponses({ 409, 413, 422, 502 })
	ImportReport importProjects(@RequestBody String file,
			@Parameter(description = "An entry clashing with an existing project: FAIL imports nothing (409), SKIP imports the rest")
			@RequestParam(defaultValue = "FAIL") ImportService.OnConflict onConflict,
			@Parameter(description = "Make names outside the name rule fit it (reported as renamed) instead of refusing them")
			@RequestParam(defaultValue = "false") boolean normalizeNames,
			@Parameter(description = "A session that takes the old registry's active project as its active project")
			@RequestParam(required = false) String session) {
		return this.imports.importFile(file, onConflict, normalizeNames, session);
	}

	@GetMapping(path = "/api/v1/exports", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "exportProjects", summary = "Export every project",
			description = "Streams every project as JSON, ordered by name then id, without loading them all in "
					+ "memory. The document can be imported by POST /api/v1/imports.")
	@ApiResponse(responseCode = "200", description = "The export document.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object",
					description = "The export: format, version, exportedAt and the projects.",
					example = "{\"format\": \"project-registry-export\", \"version\": 1, \"exportedAt\": \"2026-11-23T20:00:00Z\", \"projects\": []}")))
	ResponseEntity<StreamingResponseBody> exportProjects() {
		return ResponseEntity.ok()
			.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"project-registry-export.json\"")
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.exports::export);
	}

}
