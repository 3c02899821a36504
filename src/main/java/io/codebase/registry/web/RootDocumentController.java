package io.codebase.registry.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /} and {@code GET /api/v1}: the {@link RootDocument}, for anyone, like the API documentation. */
@RestController
@Tag(name = RootDocumentController.TAG, description = "Where to start: links to the API, its documentation and health.")
class RootDocumentController {

	static final String TAG = "Service";

	private final String swaggerUi;

	private final String apiDocs;

	private final String health;

	RootDocumentController(@Value("${springdoc.swagger-ui.path:/swagger-ui.html}") String swaggerUi,
			@Value("${springdoc.api-docs.path:/v3/api-docs}") String apiDocs,
			@Value("${management.endpoints.web.base-path:/actuator}") String actuator) {
		this.swaggerUi = swaggerUi;
		this.apiDocs = apiDocs;
		this.health = actuator + "/health";
	}

	@GetMapping(path = "/", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "getRoot", summary = "Links to the entry points",
			description = "The API, Swagger UI, the OpenAPI document and health, as HAL-style links. Needs no API key.")
	@SecurityRequirements
	@ApiResponse(responseCode = "200", description = "The root document.")
	RootDocument root() {
		return document("/");
	}

	@GetMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "getApiRoot", summary = "Links to the entry points (the API's own root)",
			description = "The same document as GET /, at the root of the API's paths. Needs no API key.")
	@SecurityRequirements
	@ApiResponse(responseCode = "200", description = "The root document.")
	RootDocument apiRoot() {
		return document("/api/v1");
	}

	private RootDocument document(String self) {
		return RootDocument.of(self, this.swaggerUi, this.apiDocs, this.health);
	}

}
