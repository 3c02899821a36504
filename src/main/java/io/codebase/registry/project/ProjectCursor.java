package io.codebase.registry.project;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import io.codebase.registry.problem.InvalidRequestException;
import io.codebase.registry.problem.PageCursor;

/**
 * Where the next page of a list starts: the last row's sort key and id (the order is total, see
 * {@link ProjectSort}), the sort, and a fingerprint of the filters. Opaque to clients (base64url of a versioned
 * text); a cursor sent with another sort or other filters would page through a different list, so it is refused.
 * Nothing secret is in it and nothing depends on its integrity: a forged position is only another position.
 */
record ProjectCursor(ProjectSort sort, String filters, Object key, UUID id) {

	private static final String VERSION = "p1";

	private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

	private static final String OTHER_LIST = "belongs to another sort or other filters: repeat the sort, state, indexStatus, "
			+ "namePrefix and schemaVersion of the request that returned it, as its next link does";

	/** The cursor just after {@code last}, a row of the list that {@code filter} and {@code sort} define. */
	static ProjectCursor after(ProjectView last, ProjectFilter filter, ProjectSort sort) {
		return new ProjectCursor(sort, fingerprint(filter), sort.key().valueOf(last), last.id());
	}

	/** Reads a cursor a client sent; anything this service did not issue for this list is a 400, never a 500. */
	static ProjectCursor read(String text, ProjectFilter filter, ProjectSort sort) {
		List<String> parts = PageCursor.decode(text, 5);
		if (!VERSION.equals(parts.get(0)) || !UUID_TEXT.matcher(parts.get(3)).matches()) {
			throw PageCursor.notACursor();
		}
		ProjectSort issuedFor;
		try {
			issuedFor = ProjectSort.parse(parts.get(1));
		}
		catch (InvalidRequestException ex) {
			throw PageCursor.notACursor();
		}
		Object key = issuedFor.key().parse(parts.get(4));
		if (key == null) {
			throw PageCursor.notACursor();
		}
		if (!issuedFor.equals(sort) || !parts.get(2).equals(fingerprint(filter))) {
			throw new InvalidRequestException("cursor", OTHER_LIST);
		}
		return new ProjectCursor(sort, parts.get(2), key, UUID.fromString(parts.get(3)));
	}

	/** The opaque text a page hands out as {@code nextCursor}. */
	String encode() {
		return PageCursor.encode(VERSION, this.sort.toString(), this.filters, this.id.toString(), this.key.toString());
	}

	/** A filter's value, distinct from its absence whatever the value is. */
	private static String part(Object value) {
		return (value != null) ? "=" + value : "-";
	}

	/**
	 * The filters a cursor is bound to, as the rows they select: a name prefix matches regardless of case, so
	 * {@code Pay} and {@code pay} are the same list.
	 */
	private static String fingerprint(ProjectFilter filter) {
		String prefix = (filter.namePrefix() == null || filter.namePrefix().isEmpty()) ? null
				: ProjectName.key(filter.namePrefix());
		String canonical = String.join("\u0000", part(filter.state()), part(filter.indexStatus()), part(prefix),
				part(filter.schemaVersion()));
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

}
