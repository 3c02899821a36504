package io.codebase.registry.support;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Request bodies built as JSON trees and written by Jackson, so any name or path (quotes, backslashes, control
 * characters, non-ASCII) arrives exactly as given. Values may be strings, numbers, booleans, {@code null},
 * {@link JsonNode}s, maps or lists.
 */
public final class Json {

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	private Json() {
	}

	/** {@code object("name", "x", "metadata", object("a", 1))}: keys and values alternate, in order. */
	public static ObjectNode object(Object... keysAndValues) {
		if (keysAndValues.length % 2 != 0) {
			throw new IllegalArgumentException("Keys and values must alternate");
		}
		ObjectNode node = MAPPER.createObjectNode();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			node.set((String) keysAndValues[i], MAPPER.valueToTree(keysAndValues[i + 1]));
		}
		return node;
	}

	public static ArrayNode array(Object... values) {
		ArrayNode node = MAPPER.createArrayNode();
		for (Object value : values) {
			node.add(MAPPER.<JsonNode>valueToTree(value));
		}
		return node;
	}

	public static JsonNode parse(String json) {
		return MAPPER.readTree(json);
	}

	public static String write(JsonNode json) {
		return MAPPER.writeValueAsString(json);
	}

}
