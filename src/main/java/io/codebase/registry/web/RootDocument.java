package io.codebase.registry.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Where a newcomer (or a crawler) starts: the service's name and links to its entry points, HAL-style
 * ({@code _links}, each a {@code href}), relative to the host that served it.
 */
@Schema(description = "The entry points of the service: the API, its documentation and its health, as HAL-style links "
		+ "relative to the host that served this document.", example = """
				{"name": "Project Registry API", "version": "v1", "_links": {"self": {"href": "/"},
				 "api": {"href": "/api/v1", "title": "The API root (this document)"},
				 "projects": {"href": "/api/v1/projects", "title": "Projects: list, create, and each by id or name"},
				 "resolutions": {"href": "/api/v1/resolutions", "title": "Which project a caller means"},
				 "swagger-ui": {"href": "/swagger-ui.html", "title": "Interactive API documentation"},
				 "openapi": {"href": "/v3/api-docs", "title": "The OpenAPI document (JSON)"},
				 "openapi-yaml": {"href": "/v3/api-docs.yaml", "title": "The OpenAPI document (YAML)"},
				 "health": {"href": "/actuator/health", "title": "Health, for load balancers and probes"}}}""")
public record RootDocument(
		@Schema(description = "The service.", example = "Project Registry API", requiredMode = Schema.RequiredMode.REQUIRED) String name,
		@Schema(description = "The API version these links lead to.", example = "v1", requiredMode = Schema.RequiredMode.REQUIRED) String version,
		@Schema(description = "Entry points by relation name: self, api, projects, resolutions, swagger-ui, openapi, "
				+ "openapi-yaml, health.", requiredMode = Schema.RequiredMode.REQUIRED)
		@JsonProperty("_links") Map<String, Link> links) {

	/** The paths that answer with this document, for anyone, like the API documentation. */
	public static final List<String> PATHS = List.of("/", "/api/v1");

	static RootDocument of(String self, String swaggerUi, String apiDocs, String health) {
		Map<String, Link> links = new LinkedHashMap<>();
		links.put("self", new Link(self, null));
		links.put("api", new Link("/api/v1", "The API root (this document)"));
		links.put("projects", new Link("/api/v1/projects", "Projects: list, create, and each by id or name"));
		links.put("resolutions", new Link("/api/v1/resolutions", "Which project a caller means"));
		links.put("swagger-ui", new Link(swaggerUi, "Interactive API documentation"));
		links.put("openapi", new Link(apiDocs, "The OpenAPI document (JSON)"));
		links.put("openapi-yaml", new Link(apiDocs + ".yaml", "The OpenAPI document (YAML)"));
		links.put("health", new Link(health, "Health, for load balancers and probes"));
		return new RootDocument("Project Registry API", "v1", links);
	}

	@Schema(name = "Link", description = "A link to another resource of the service.",
			example = "{\"href\": \"/api/v1/projects\", \"title\": \"Projects: list, create, and each by id or name\"}")
	public record Link(
			@Schema(description = "Where it is, relative to this host.", example = "/api/v1/projects",
					requiredMode = Schema.RequiredMode.REQUIRED) String href,
			@Schema(description = "What it is; absent for self.", example = "Projects: list, create, and each by id or name")
			@JsonInclude(JsonInclude.Include.NON_NULL) String title) {
	}

}
