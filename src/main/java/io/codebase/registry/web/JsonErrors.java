package io.codebase.registry.web;

import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;

/**
 * What is wrong with a JSON text, in words a client can act on: where (line and column) and what, without the
 * parser's class names, settings or source description ("[Source: REDACTED ...; byte offset: #UNKNOWN]").
 */
public final class JsonErrors {

	/** A package-qualified Java name, reduced to its simple name. */
	private static final Pattern INTERNAL_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_$]*)");

	/** The parser's own vocabulary, in backquotes: a limit's origin, a feature to enable, a token's Java name. */
	private static final Pattern PARSER_INTERNALS = Pattern.compile(
			",\\s*from `[^`]*`|[:;,]?\\s*enable `[^`]*` to allow|\\s*\\(`JsonToken\\.[A-Z_]+`\\)");

	private JsonErrors() {
	}

	/** The parser's message without its internals; the location is {@link #location}'s. */
	public static String message(JacksonException ex) {
		String text = String.valueOf(ex.getOriginalMessage());
		text = cutAt(text, "[Source:");
		text = cutAt(text, " (bound as");
		text = cutAt(text, " (for ");
		text = PARSER_INTERNALS.matcher(text).replaceAll("");
		text = INTERNAL_NAME.matcher(text).replaceAll("$1").replace("`", "");
		text = text.strip().replaceAll("\\s+", " ");
		// What was cut off was the location: "... at [Source: ...]".
		return text.endsWith(" at") ? text.substring(0, text.length() - 3) : text;
	}

	/** " at line L, column C" when the parser knows where the problem is; empty otherwise. */
	public static String location(JacksonException ex) {
		return (ex.getLocation() != null && ex.getLocation().getLineNr() > 0)
				? " at line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr() : "";
	}

	private static String cutAt(String text, String marker) {
		int at = text.indexOf(marker);
		return (at < 0) ? text : text.substring(0, at);
	}

}
