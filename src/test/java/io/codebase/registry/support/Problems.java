package io.codebase.registry.support;

import java.net.http.HttpResponse;
import java.util.List;

import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultMatcher;

import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Asserts what every error response promises: RFC 9457 shape, the status and type, and no internals. */
public final class Problems {

	private Problems() {
	}

	/**
	 * @param typeSlug the expected {@code urn:project-registry:problem:<slug>}, or {@code null} for any of the
	 * registry's types (every problem has one, Spring MVC's and the container's own errors included)
	 */
	public static JsonNode assertProblem(ApiResponse response, int status, String typeSlug) {
		return assertProblem(response.raw(), status, typeSlug);
	}

	/**
	 * As {@link #assertProblem(ApiResponse, int, String)}, for {@link Http}'s responses and those of tests that send
	 * with their own {@code HttpClient}; those are checked against {@code openapi.yaml} here.
	 */
	public static JsonNode assertProblem(HttpResponse<String> response, int status, String typeSlug) {
		OpenApiContract.registry().check(response);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json(response);
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("title").asString()).isNotBlank();
		assertThat(problem.get("detail").asString()).isNotBlank();
		assertThat(response.body()).doesNotContain("Exception", "\tat ", "io.codebase");
		assertThat(problem.path("type").asString("")).as(response.body()).startsWith("urn:project-registry:problem:");
		if (typeSlug != null) {
			assertThat(problem.get("type").asString()).isEqualTo("urn:project-registry:problem:" + typeSlug);
		}
		return problem;
	}

	/** The same promises for a {@code MockMvc} answer (controller slices). */
	public static ResultMatcher isProblem(int status) {
		List<ResultMatcher> promises = List.of(status().is(status),
				content().contentType(MediaType.APPLICATION_PROBLEM_JSON), jsonPath("$.status").value(status),
				jsonPath("$.title").isString(), jsonPath("$.detail").isString(),
				jsonPath("$.type").value(startsWith("urn:project-registry:problem:")),
				content().string(not(containsString("Exception"))));
		return result -> {
			for (ResultMatcher promise : promises) {
				promise.match(result);
			}
		};
	}

}
