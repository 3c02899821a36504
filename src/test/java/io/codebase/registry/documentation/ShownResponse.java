package io.codebase.registry.documentation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A response as a document shows it: a {@code ```http} block (status line, headers, an optional JSON body) or a
 * {@code ```json} block (the body, or what the example prints). A shown body must be valid JSON: it may leave
 * fields out, but not abbreviate with "...".
 *
 * @param status the shown status, or null for a {@code ```json} block
 * @param headers shown headers by lower-case name
 * @param body the shown JSON, or null when none is shown
 */
record ShownResponse(Integer status, Map<String, String> headers, JsonNode body) {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/[\\d.]+ (\\d{3})( .*)?$");

	private static final Pattern HEADER = Pattern.compile("^([A-Za-z0-9-]+):\\s*(.*)$");

	static ShownResponse parse(String language, String text) {
		if (language.equals("json")) {
			return new ShownResponse(null, Map.of(), json(text));
		}
		String[] lines = text.split("\n", -1);
		Matcher status = STATUS_LINE.matcher(lines[0].strip());
		if (!status.matches()) {
			throw new IllegalArgumentException("a shown HTTP response must start with a status line such as "
					+ "'HTTP/1.1 200', not '" + lines[0] + "'");
		}
		Map<String, String> headers = new LinkedHashMap<>();
		int i = 1;
		for (; i < lines.length && !lines[i].isBlank(); i++) {
			Matcher header = HEADER.matcher(lines[i].strip());
			if (!header.matches()) {
				throw new IllegalArgumentException("'" + lines[i] + "' is not a header line (name: value)");
			}
			headers.put(header.group(1).toLowerCase(), header.group(2).strip());
		}
		StringBuilder body = new StringBuilder();
		for (; i < lines.length; i++) {
			body.append(lines[i]).append('\n');
		}
		return new ShownResponse(Integer.valueOf(status.group(1)), headers, body.toString().isBlank() ? null : json(body.toString()));
	}

	private static JsonNode json(String text) {
		try {
			return JSON.readTree(text);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("the shown body is not valid JSON (leave fields out rather than "
					+ "abbreviating with '...'): " + ex.getOriginalMessage());
		}
	}

}
