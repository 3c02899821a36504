package io.codebase.registry.idempotency;

import java.util.List;
import java.util.Optional;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The writes that take an {@code Idempotency-Key}: every POST that is not idempotent by itself. The filter
 * matches requests against these route templates, and the OpenAPI document is annotated on the same ones, so the
 * two cannot disagree.
 */
final class IdempotentOperations {

	static final String METHOD = "POST";

	static final List<String> ROUTES = List.of("/api/v1/projects", "/api/v1/projects/{project}/provision",
			"/api/v1/projects/{project}/reindex", "/api/v1/projects/{project}/index-status", "/api/v1/imports",
			"/api/v1/schema-rollouts", "/api/v1/reconciliation");

	private static final List<PathPattern> PATTERNS = ROUTES.stream().map(PathPatternParser.defaultInstance::parse).toList();

	private IdempotentOperations() {
	}

	/** The operation ({@code POST <route template>}) a request is, if it is one of the idempotent writes. */
	static Optional<String> match(String method, String pathWithinApplication) {
		if (!METHOD.equals(method)) {
			return Optional.empty();
		}
		PathContainer path = PathContainer.parsePath(pathWithinApplication);
		return PATTERNS.stream().filter(pattern -> pattern.matches(path)).findFirst()
			.map(pattern -> METHOD + " " + pattern.getPatternString());
	}

	static boolean isIdempotent(String method, String routeTemplate) {
		return METHOD.equalsIgnoreCase(method) && ROUTES.contains(routeTemplate);
	}

}
