package io.codebase.registry.resolution;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Asks the external workflow service for its active project ({@code GET {url}/api/v1/projects/active}, answering
 * {@code {"project_id": "<id or name>"}}). One shared client reuses connections; every call is bounded by the
 * timeout, and every failure is an {@link Answer} with a reason, never an exception. Answers are reused for the
 * cache TTL; failures are not cached.
 */
@Component
class WorkflowClient {

	/** The workflow service's answer: a project id or name, or why there is none. */
	record Answer(String project, String result, String reason) {

		static Answer of(String project) {
			return new Answer(project, "answered", "workflow service's active project is '" + project + "'");
		}

		static Answer none(String result, String reason) {
			return new Answer(null, result, reason);
		}

		boolean hasProject() {
			return this.project != null;
		}

	}

	private final WorkflowProperties properties;

	private final JsonMapper json;

	private final MeterRegistry meters;

	private final HttpClient client;

	private final Cache<String, Answer> answers;

	WorkflowClient(WorkflowProperties properties, JsonMapper json, MeterRegistry meters) {
		this.properties = properties;
		this.json = json;
		this.meters = meters;
		this.client = HttpClient.newBuilder()
			.connectTimeout(properties.timeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		this.answers = Caffeine.newBuilder().maximumSize(1).expireAfterWrite(properties.cacheTtl()).build();
	}

	boolean enabled() {
		return this.properties.enabled();
	}

	Answer activeProject() {
		Answer cached = this.answers.getIfPresent(this.properties.url());
		if (cached != null) {
			return cached;
		}
		Answer answer = ask();
		Counter.builder("registry.workflow.requests")
			.description("Questions to the workflow service about its active project, by result")
			.tag("result", answer.result())
			.register(this.meters)
			.increment();
		if (answer.hasProject()) {
			this.answers.put(this.properties.url(), answer);
		}
		return answer;
	}

	private static Answer timedOut(Duration timeout) {
		return Answer.none("timeout", "workflow service did not answer within " + timeout.toMillis() + " ms");
	}

	private Answer ask() {
		Duration timeout = this.properties.timeout();
		HttpRequest request;
		try {
			request = HttpRequest.newBuilder(URI.create(this.properties.url().replaceAll("/+$", "") + "/api/v1/projects/active"))
				.timeout(timeout)
				.header("Accept", "application/json")
				.GET()
				.build();
		}
		catch (IllegalArgumentException ex) {
			return Answer.none("bad_url", "registry.workflow.url is not a valid URL");
		}
		CompletableFuture<HttpResponse<String>> call = this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> response;
		try {
			response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			call.cancel(true);
			return timedOut(timeout);
		}
		catch (ExecutionException ex) {
			// The client's own request timeout and the wait above are the same length: whichever fires first, it
			// is a timeout (on a loaded machine the client's often wins).
			if (ex.getCause() instanceof HttpTimeoutException) {
				return timedOut(timeout);
			}
			return (ex.getCause() instanceof ConnectException)
					? Answer.none("refused", "workflow service refused the connection")
					: Answer.none("error", "workflow service call failed: " + ex.getCause().getClass().getSimpleName());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Answer.none("error", "interrupted while asking the workflow service");
		}
		return read(response);
	}

	private Answer read(HttpResponse<String> response) {
		if (response.statusCode() == 404) {
			return Answer.none("no_active_project", "workflow service has no active project");
		}
		if (response.statusCode() != 200) {
			return Answer.none("bad_response", "workflow service answered HTTP " + response.statusCode());
		}
		try {
			JsonNode body = this.json.readTree(response.body());
			JsonNode project = body.get("project_id");
			if (project == null || project.isNull()) {
				return Answer.none("no_active_project", "workflow service has no active project");
			}
			if (!project.isString() || project.asString().isBlank()) {
				return Answer.none("bad_response", "workflow service's project_id is not a string");
			}
			return Answer.of(project.asString());
		}
		catch (JacksonException ex) {
			return Answer.none("bad_response", "workflow service answered with invalid JSON");
		}
	}

}
