package io.codebase.registry.project;

import java.util.Arrays;

/** Strong entity tags derived from the row version (RFC 9110 section 8.8.3). */
final class ETags {

	private ETags() {
	}

	static String of(long version) {
		return "\"" + version + "\"";
	}

	/** {@code If-Match: *}: any current version (RFC 9110 section 13.1.1), so it only requires that the project exists. */
	static boolean isWildcard(String ifMatch) {
		return ifMatch.trim().equals("*");
	}

	/** Whether an {@code If-Match} header value matches the version; weak tags never match (strong comparison). */
	static boolean matches(String ifMatch, long version) {
		String current = of(version);
		return Arrays.stream(ifMatch.split(","))
			.map(String::trim)
			.anyMatch(tag -> tag.equals("*") || tag.equals(current));
	}

}
