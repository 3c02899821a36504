package io.codebase.registry.project;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

import io.codebase.registry.web.InvalidRequestException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/** Encodes project metadata for the jsonb column, within the configured size and depth. */
@Component
class Metadata {

	private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
	};

	private final JsonMapper json;

	private final ProjectProperties limits;

	Metadata(JsonMapper json, ProjectProperties limits) {
		this.json = json;
		this.limits = limits;
	}

	String encode(Map<String, Object> metadata) {
		if (metadata == null) {
			return "{}";
		}
		if (depth(metadata) > this.limits.maxMetadataDepth()) {
			throw new InvalidRequestException("metadata",
					"must not nest deeper than " + this.limits.maxMetadataDepth() + " levels");
		}
		String encoded = this.json.writeValueAsString(metadata);
		if (encoded.contains("\\u0000")) {
			throw new InvalidRequestException("metadata", "must not contain the NUL character (PostgreSQL jsonb refuses it)");
		}
		if (encoded.getBytes(StandardCharsets.UTF_8).length > this.limits.maxMetadataBytes()) {
			throw new InvalidRequestException("metadata",
					"must not exceed " + this.limits.maxMetadataBytes() + " bytes as JSON");
		}
		return encoded;
	}

	Map<String, Object> decode(String metadata) {
		return this.json.readValue(metadata, OBJECT);
	}

	private static int depth(Object value) {
		if (value instanceof Map<?, ?> object) {
			return 1 + object.values().stream().mapToInt(Metadata::depth).max().orElse(0);
		}
		if (value instanceof Collection<?> array) {
			return 1 + array.stream().mapToInt(Metadata::depth).max().orElse(0);
		}
		return 0;
	}

}
