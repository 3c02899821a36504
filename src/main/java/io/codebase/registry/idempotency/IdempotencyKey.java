package io.codebase.registry.idempotency;

import java.util.Optional;

/**
 * The value of an {@code Idempotency-Key} header. The IETF draft makes it a Structured Field string
 * ({@code "8e03978e-40d5-43e8-bc93-6894a57f9324"}); many clients send the bare value, so both are accepted and mean
 * the same key. The key is 1 to {@code maxLength} printable ASCII characters (space to tilde).
 */
record IdempotencyKey(String value) {

	static final String HEADER = "Idempotency-Key";

	/** The key, or empty when the header value is not a valid one. */
	static Optional<IdempotencyKey> parse(String header, int maxLength) {
		String value = header.startsWith("\"") ? unquote(header) : header;
		if (value == null || value.isEmpty() || value.length() > maxLength
				|| !value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
			return Optional.empty();
		}
		return Optional.of(new IdempotencyKey(value));
	}

	/** An RFC 8941 string: quoted, with {@code \"} and {@code \\} as its only escapes; null when malformed. */
	private static String unquote(String quoted) {
		StringBuilder value = new StringBuilder();
		for (int i = 1; i < quoted.length(); i++) {
			char c = quoted.charAt(i);
			if (c == '\\') {
				if (++i == quoted.length() || (quoted.charAt(i) != '"' && quoted.charAt(i) != '\\')) {
					return null;
				}
				value.append(quoted.charAt(i));
			}
			else if (c == '"') {
				return (i == quoted.length() - 1) ? value.toString() : null;
			}
			else {
				value.append(c);
			}
		}
		return null;
	}

}
