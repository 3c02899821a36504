package io.codebase.registry.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.codebase.registry.problem.RegistryException;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;

/** Problem responses of the OpenAPI document, for the modules that document problems of their own. */
public final class ProblemDocs {

	static final String PROBLEM_SCHEMA = "Problem";

	static final String PROBLEM_JSON = "application/problem+json";

	private ProblemDocs() {
	}

	/** A problem response: the shared {@code Problem} schema, and the example when there is one. */
	public static ApiResponse response(String description, ObjectNode example) {
		MediaType problem = new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA));
		if (example != null) {
			// Set only when there is one: swagger writes an example set to null as "example: null".
			problem.example(example);
		}
		return new ApiResponse().description(description).content(new Content().addMediaType(PROBLEM_JSON, problem));
	}

	/** The status a problem is answered with. */
	public static String status(RegistryException problem) {
		return String.valueOf(ProblemTypes.statusOf(problem.category()).value());
	}

	/** The problem as the service answers it (without instance and extension members), for an example. */
	public static ObjectNode example(RegistryException problem) {
		return example(problem.kind(), problem.title(), ProblemTypes.statusOf(problem.category()).value(),
				problem.detail());
	}

	static ObjectNode example(String kind, String title, int status, String detail) {
		return Json.mapper().createObjectNode()
			.put("type", ProblemTypes.TYPE_PREFIX + kind)
			.put("title", title)
			.put("status", status)
			.put("detail", detail);
	}

}
