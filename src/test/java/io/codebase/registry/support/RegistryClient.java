package io.codebase.registry.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;

/**
 * The registry's API as tests call it: one method per operation they use, typed {@link ApiResponse}s, bodies as
 * JSON trees ({@link Json}). {@link #send} reaches any route, {@link #sendRaw} sends bytes that are not JSON.
 */
public final class RegistryClient {

	private static final String PROJECTS = "/api/v1/projects/";

	private final Http http;

	private final Map<String, String> headers;

	public RegistryClient(int port) {
		this(new Http(port), Map.of());
	}

	private RegistryClient(Http http, Map<String, String> headers) {
		this.http = http;
		this.headers = headers;
	}

	/** The same client, sending an API key as {@code Authorization: Bearer}. */
	public RegistryClient withKey(String key) {
		return withHeader("Authorization", "Bearer " + key);
	}

	/** The same client, sending one more header with every request. */
	public RegistryClient withHeader(String name, String value) {
		Map<String, String> more = new HashMap<>(this.headers);
		more.put(name, value);
		return new RegistryClient(this.http, Map.copyOf(more));
	}

	public ApiResponse createProject(String name) {
		return createProject(Json.object("name", name));
	}

	public ApiResponse createProject(JsonNode request) {
		return post("/api/v1/projects", request);
	}

	public ApiResponse getProject(String idOrName) {
		return get(PROJECTS + segment(idOrName));
	}

	/** A JSON merge patch; {@code etag} goes in If-Match unless it is null. */
	public ApiResponse patch(String id, String etag, JsonNode patch) {
		Map<String, String> ifMatch = (etag != null) ? Map.of("If-Match", etag) : Map.of();
		return send("PATCH", PROJECTS + segment(id), patch, ifMatch);
	}

	public ApiResponse delete(String id) {
		return delete(id, null);
	}

	/** Deletes a project; {@code etag} goes in If-Match unless it is null. */
	public ApiResponse delete(String id, String etag) {
		return send("DELETE", PROJECTS + segment(id), null, (etag != null) ? Map.of("If-Match", etag) : Map.of());
	}

	/** {@code POST /api/v1/resolutions} with a resolution request. */
	public ApiResponse resolve(JsonNode request) {
		return post("/api/v1/resolutions", request);
	}

	/** {@code GET /api/v1/resolutions} with query parameters (project, session, ...). */
	public ApiResponse resolve(Map<String, String> query) {
		return get("/api/v1/resolutions?" + query.entrySet().stream()
			.map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&")));
	}

	public ApiResponse get(String path) {
		return send("GET", path, null, Map.of());
	}

	public ApiResponse post(String path, JsonNode body) {
		return send("POST", path, body, Map.of());
	}

	public ApiResponse put(String path, JsonNode body) {
		return send("PUT", path, body, Map.of());
	}

	public ApiResponse send(String method, String path, JsonNode body, Map<String, String> headers) {
		return sendRaw(method, path, (body != null) ? Json.write(body) : null, headers);
	}

	/** Sends a body as it is (malformed JSON, other documents); JSON content type unless a header says otherwise. */
	public ApiResponse sendRaw(String method, String path, String body, Map<String, String> headers) {
		Map<String, String> all = new HashMap<>(this.headers);
		all.putAll(headers);
		return new ApiResponse(this.http.send(method, path, body, all));
	}

	/** One path segment, percent-encoded (names may hold spaces and other characters). */
	public static String segment(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

}
