package io.codebase.registry.project;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import io.codebase.registry.problem.InvalidRequestException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/** Encodes project metadata for the jsonb column, within the configured size and depth. */
@Component
class Metadata {

	/** PostgreSQL's numeric: up to 131072 digits before the decimal point and 16383 after. */
	private static final int MAX_NUMERIC_INTEGER_DIGITS = 131_072;

	private static final int MAX_NUMERIC_FRACTION_DIGITS = 16_383;

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
		unstorable(metadata).ifPresent(problem -> {
			throw new InvalidRequestException("metadata", problem);
		});
		String encoded = this.json.writeValueAsString(metadata);
		if (encoded.getBytes(StandardCharsets.UTF_8).length > this.limits.maxMetadataBytes()) {
			throw new InvalidRequestException("metadata",
					"must not exceed " + this.limits.maxMetadataBytes() + " bytes as JSON");
		}
		return encoded;
	}

	Map<String, Object> decode(String metadata) {
		return this.json.readValue(metadata, OBJECT);
	}

	/**
	 * What keeps a value from being stored in jsonb exactly as sent: text PostgreSQL refuses or would rewrite, or a
	 * number beyond PostgreSQL's numeric range (it would become an error, or Infinity or 0 as a double).
	 */
	private static Optional<String> unstorable(Object value) {
		if (value instanceof Map<?, ?> object) {
			return object.entrySet().stream()
				.flatMap(entry -> StorableText.Rule.problemOf(String.valueOf(entry.getKey())).map(problem -> "keys " + problem)
					.or(() -> unstorable(entry.getValue())).stream())
				.findFirst();
		}
		if (value instanceof Collection<?> array) {
			return array.stream().flatMap(item -> unstorable(item).stream()).findFirst();
		}
		if (value instanceof String text) {
			return StorableText.Rule.problemOf(text).map(problem -> "strings " + problem);
		}
		if (value instanceof BigDecimal number
				&& (number.precision() - number.scale() > MAX_NUMERIC_INTEGER_DIGITS || number.scale() > MAX_NUMERIC_FRACTION_DIGITS)) {
			return Optional.of("numbers must have at most " + MAX_NUMERIC_INTEGER_DIGITS + " digits before and "
					+ MAX_NUMERIC_FRACTION_DIGITS + " after the decimal point (PostgreSQL's numeric range)");
		}
		if (value instanceof Double number && !Double.isFinite(number)) {
			return Optional.of("numbers must be finite");
		}
		return Optional.empty();
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
