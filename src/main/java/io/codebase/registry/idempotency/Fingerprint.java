package io.codebase.registry.idempotency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What makes two requests "the same request" for a key: SHA-256 of method, path, query string and body bytes.
 * Each part is length-prefixed, so that no two different requests can produce the same input by shifting bytes
 * from one part to the next.
 */
final class Fingerprint {

	private Fingerprint() {
	}

	static byte[] of(String method, String path, String query, byte[] body) {
		MessageDigest digest = sha256();
		update(digest, method.getBytes(StandardCharsets.UTF_8));
		update(digest, path.getBytes(StandardCharsets.UTF_8));
		update(digest, (query != null) ? query.getBytes(StandardCharsets.UTF_8) : new byte[0]);
		update(digest, body);
		return digest.digest();
	}

	private static void update(MessageDigest digest, byte[] part) {
		digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(part.length).array());
		digest.update(part);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

}
