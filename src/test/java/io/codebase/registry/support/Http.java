package io.codebase.registry.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client for tests that need the real server (error pages, filters, status lines). Every answer is
 * checked against {@code openapi.yaml} ({@link OpenApiContract}) before the test sees it.
 */
public final class Http {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newHttpClient();

	private final String base;

	/** Whether every answer is checked against this release's openapi.yaml. */
	private final boolean contractChecked;

	public Http(int port) {
		this(port, true);
	}

	private Http(int port, boolean contractChecked) {
		this.base = "http://localhost:" + port;
		this.contractChecked = contractChecked;
	}

	/** A client of another release (an earlier one, say), whose answers keep that release's contract, not this one. */
	public static Http otherRelease(int port) {
		return new Http(port, false);
	}

	public HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (body != null && !headers.containsKey("Content-Type")) {
			request.header("Content-Type", "application/json");
		}
		headers.forEach(request::header);
		HttpResponse<String> response;
		try {
			response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		if (this.contractChecked) {
			OpenApiContract.registry().check(response);
		}
		return response;
	}

	public HttpResponse<String> get(String path) {
		return send("GET", path, null, Map.of());
	}

	public HttpResponse<String> post(String path, String body) {
		return send("POST", path, body, Map.of());
	}

	public static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

}
