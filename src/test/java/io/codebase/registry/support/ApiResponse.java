package io.codebase.registry.support;

import java.net.http.HttpResponse;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/** One answer of the service: status, headers and body, with the body readable as JSON. */
public record ApiResponse(HttpResponse<String> raw) {

	public int status() {
		return this.raw.statusCode();
	}

	public String body() {
		return this.raw.body();
	}

	public JsonNode json() {
		return Json.parse(this.raw.body());
	}

	public Optional<String> header(String name) {
		return this.raw.headers().firstValue(name);
	}

	/** The ETag header; fails when there is none. */
	public String etag() {
		return header("ETag").orElseThrow(() -> new AssertionError("No ETag in " + this));
	}

	@Override
	public String toString() {
		return this.raw.request().method() + " " + this.raw.uri().getPath() + " -> " + status() + " " + body();
	}

}
