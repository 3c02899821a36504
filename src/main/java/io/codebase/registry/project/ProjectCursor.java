package io.codebase.registry.project;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

import io.codebase.registry.problem.InvalidRequestException;

/**
 * Where the next page of a list starts: the last row's sort key and id (the order is total, see
 * {@link ProjectSort}), the sort, and a fingerprint of the filters. Opaque to clients (base64url of a versioned
 * text); a cursor sent with another sort or other filters would page through a different list, so it is refused.
 * Nothing secret is in it and nothing depends on its integrity: a forged position is only another position.
 */
record ProjectCursor(ProjectSort sort, String filters, Object key, UUID id) {

	private static final String VERSION = "p1";

	private static final int MAX_LENGTH = 1024;

	private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

	private static final String NOT_A_CURSOR = "is not a cursor of this list: pass the nextCursor of a page unchanged";

	private static final String OTHER_LIST = "belongs to another sort or other filters: repeat the sort, state, indexStatus, "
			+ "namePrefix and schemaVersion of the request that returned it, as its next link does";

	/** The cursor just after {@code last}, a row of the list that {@code filter} and {@code sort} define. */
	static ProjectCursor after(ProjectView last, ProjectFilter filter, ProjectSort sort) {
		return new ProjectCursor(sort, fingerprint(filter), sort.key().valueOf(last), last.id());
	}

	/** Reads a cursor a client sent; anything this service did not issue for this list is a 400, never a 500. */
	static ProjectCursor read(String text, ProjectFilter filter, ProjectSort sort) {
		String[] parts = decode(text).split("\\|", 5);
		if (parts.length != 5 || !VERSION.equals(parts[0]) || !UUID_TEXT.matcher(parts[3]).matches()) {
			throw new InvalidRequestException("cursor", NOT_A_CURSOR);
		}
		ProjectSort issuedFor;
		try {
			issuedFor = ProjectSort.parse(parts[1]);
		}
		catch (InvalidRequestException ex) {
			throw new InvalidRequestException("cursor", NOT_A_CURSOR);
		}
		Object key = issuedFor.key().parse(parts[4]);
		if (key == null) {
			throw new InvalidRequestException("cursor", NOT_A_CURSOR);
		}
		if (!issuedFor.equals(sort) || !parts[2].equals(fingerprint(filter))) {
			throw new InvalidRequestException("cursor", OTHER_LIST);
		}
		return new ProjectCursor(sort, parts[2], key, UUID.fromString(parts[3]));
	}

	/** The opaque text a page hands out as {@code nextCursor}. */
	String encode() {
		String text = String.join("|", VERSION, this.sort.toString(), this.filters, this.id.toString(),
				this.key.toString());
		return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	private static String decode(String text) {
		if (text.isEmpty() || text.length() > MAX_LENGTH) {
			throw new InvalidRequestException("cursor", NOT_A_CURSOR);
		}
		try {
			byte[] bytes = Base64.getUrlDecoder().decode(text);
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (IllegalArgumentException | CharacterCodingException ex) {
			throw new InvalidRequestException("cursor", NOT_A_CURSOR);
		}
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
