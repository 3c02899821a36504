package io.codebase.registry.documentation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * Whether a real response still has the shape a document shows. Values that differ from run to run (ids, times,
 * counts, free text) are not compared; what a reader acts on is:
 * <ul>
 * <li>every field shown is present, at every level, with the same JSON type (a shown {@code null} matches any
 * value); every element of a shown array matches some element of the real one;</li>
 * <li>booleans, enum-like strings ({@code READY}, {@code SESSION_CONFIG}) and problem types ({@code urn:...}) are
 * equal;</li>
 * <li>every header shown is present; its value must be equal when it is an entity tag, a boolean or enum-like,
 * and {@code Content-Type} must have the same media type.</li>
 * </ul>
 */
final class ResponseShape {

	private static final Pattern ENUM_LIKE = Pattern.compile("^[A-Z][A-Z0-9_]*$");

	private static final Pattern ENTITY_TAG = Pattern.compile("^(W/)?\"[^\"]*\"$");

	private ResponseShape() {
	}

	/** How the real body differs from the shown one; empty when it has the shown shape. */
	static List<String> differences(JsonNode shown, JsonNode real) {
		List<String> differences = new ArrayList<>();
		compare("$", shown, real, differences);
		return differences;
	}

	/** How the real headers (lower-case names) differ from the shown ones. */
	static List<String> headerDifferences(Map<String, String> shown, Map<String, String> real) {
		List<String> differences = new ArrayList<>();
		shown.forEach((name, value) -> {
			String actual = real.get(name);
			if (actual == null) {
				differences.add("header " + name + " is shown but not sent");
			}
			else if (name.equals("content-type")) {
				if (!mediaType(value).equals(mediaType(actual))) {
					differences.add("Content-Type is " + actual + ", shown " + value);
				}
			}
			else if ((ENTITY_TAG.matcher(value).matches() || isFixed(value)) && !value.equals(actual)) {
				differences.add("header " + name + " is " + actual + ", shown " + value);
			}
		});
		return differences;
	}

	private static void compare(String path, JsonNode shown, JsonNode real, List<String> differences) {
		if (shown.isNull()) {
			return;
		}
		if (real == null || real.isMissingNode()) {
			differences.add(path + " is shown but missing");
			return;
		}
		if (real.isNull()) {
			return;
		}
		if (shown.getNodeType() != real.getNodeType()) {
			differences.add(path + " is " + real.getNodeType() + " " + real + ", shown as " + shown.getNodeType() + " " + shown);
			return;
		}
		if (shown.isObject()) {
			for (Map.Entry<String, JsonNode> field : shown.properties()) {
				compare(path + "." + field.getKey(), field.getValue(), real.get(field.getKey()), differences);
			}
		}
		else if (shown.isArray()) {
			compareElements(path, shown, real, differences);
		}
		else if ((shown.isBoolean() || (shown.isString() && isFixed(shown.asString()))) && !shown.equals(real)) {
			differences.add(path + " is " + real + ", shown " + shown);
		}
	}

	private static void compareElements(String path, JsonNode shown, JsonNode real, List<String> differences) {
		for (int i = 0; i < shown.size(); i++) {
			JsonNode element = shown.get(i);
			if (real.isEmpty()) {
				differences.add(path + " is an empty array, shown with " + shown.size() + " element(s)");
				return;
			}
			List<String> closest = null;
			for (JsonNode candidate : real) {
				List<String> found = new ArrayList<>();
				compare(path + "[" + i + "]", element, candidate, found);
				if (closest == null || found.size() < closest.size()) {
					closest = found;
				}
			}
			differences.addAll(closest);
		}
	}

	/** Values a reader acts on and that do not change from run to run. */
	private static boolean isFixed(String value) {
		return ENUM_LIKE.matcher(value).matches() || value.startsWith("urn:") || value.equals("true")
				|| value.equals("false");
	}

	private static String mediaType(String contentType) {
		return contentType.split(";")[0].strip().toLowerCase();
	}

}
