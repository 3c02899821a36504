package io.codebase.registry.problem;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The opaque text of a keyset cursor, shared by every list that pages by position: the last row's key parts joined
 * by {@code |}, base64url without padding. Nothing secret is in it and nothing depends on its integrity (a forged
 * position is only another position), but anything this service did not issue is a 400 naming {@code cursor}, never
 * a 500: its length is bounded, its base64 and UTF-8 are checked strictly, and it must have its list's parts.
 */
public final class PageCursor {

	private static final int MAX_LENGTH = 1024;

	private static final String NOT_A_CURSOR = "is not a cursor of this list: pass the next cursor of a page unchanged";

	private PageCursor() {
	}

	/** The cursor text of these parts; only the last may contain {@code |}. */
	public static String encode(String... parts) {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(String.join("|", parts).getBytes(StandardCharsets.UTF_8));
	}

	/** The {@code parts} parts of a cursor a client sent (the last keeps any {@code |}); a 400 if it has fewer. */
	public static List<String> decode(String text, int parts) {
		if (text.isEmpty() || text.length() > MAX_LENGTH) {
			throw notACursor();
		}
		String decoded;
		try {
			decoded = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(text)))
				.toString();
		}
		catch (IllegalArgumentException | CharacterCodingException ex) {
			throw notACursor();
		}
		String[] split = decoded.split("\\|", parts);
		if (split.length != parts) {
			throw notACursor();
		}
		return List.of(split);
	}

	/** The 400 for a cursor whose parts do not parse as its list's key. */
	public static InvalidRequestException notACursor() {
		return new InvalidRequestException("cursor", NOT_A_CURSOR);
	}

}
