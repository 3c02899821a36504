package io.codebase.registry.support;

import java.net.http.HttpResponse;

import tools.jackson.databind.JsonNode;

import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Asserts what every error response promises: RFC 9457 shape, the status and type, and no internals. */
public final class Problems {

	private Problems() {
	}

	/**
	 * @param typeSlug the expected {@code urn:project-registry:problem:<slug>}, or {@code null} for Spring MVC's
	 * own errors (405, 415, unknown routes), which keep {@code about:blank}
	 */
	public static JsonNode assertProblem(HttpResponse<String> response, int status, String typeSlug) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json(response);
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("title").asString()).isNotBlank();
		assertThat(problem.get("detail").asString()).isNotBlank();
		assertThat(response.body()).doesNotContain("Exception", "\tat ", "io.codebase");
		if (typeSlug != null) {
			assertThat(problem.get("type").asString()).isEqualTo("urn:project-registry:problem:" + typeSlug);
		}
		return problem;
	}

}
