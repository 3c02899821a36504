package io.codebase.registry.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configured API keys, kept only as SHA-256 digests. A presented key is hashed and compared with every
 * digest in constant time ({@link MessageDigest#isEqual}), without stopping at a match, so neither the time
 * taken nor an early exit tells an attacker how much of a key was right. Keys never appear in messages.
 */
final class ApiKeys {

	static final String HASH_PREFIX = "sha256:";

	static final int MIN_KEY_LENGTH = 16;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	private static final Pattern HASH = Pattern.compile("sha256:[0-9a-fA-F]{64}");

	private final List<Entry> entries;

	private ApiKeys(List<Entry> entries) {
		this.entries = entries;
	}

	/** Checks and digests the configured keys; a mistake stops the service with a message naming the key. */
	static ApiKeys of(List<SecurityProperties.Key> keys) {
		List<Entry> entries = new ArrayList<>();
		Set<String> names = new HashSet<>();
		Set<String> digests = new HashSet<>();
		for (int i = 0; i < keys.size(); i++) {
			SecurityProperties.Key key = keys.get(i);
			String where = "registry.security.keys[" + i + "]";
			if (key.name() == null || !NAME.matcher(key.name()).matches()) {
				throw new IllegalStateException(where + ".name must be 1-64 letters, digits, '.', '_' or '-'");
			}
			where += " ('" + key.name() + "')";
			if (!names.add(key.name())) {
				throw new IllegalStateException(where + ": the name is used by another key");
			}
			if (key.role() == null) {
				throw new IllegalStateException(where + ".role must be reader or admin");
			}
			byte[] digest = digestOf(key.key(), where);
			if (!digests.add(HexFormat.of().formatHex(digest))) {
				throw new IllegalStateException(where + ": the same key is configured twice");
			}
			entries.add(new Entry(new Caller(key.name(), key.role()), digest));
		}
		return new ApiKeys(List.copyOf(entries));
	}

	boolean isEmpty() {
		return this.entries.isEmpty();
	}

	int size() {
		return this.entries.size();
	}

	/** The caller holding this key, if it is one of the configured keys. */
	Optional<Caller> authenticate(String presented) {
		byte[] digest = sha256(presented);
		Caller match = null;
		for (Entry entry : this.entries) {
			if (MessageDigest.isEqual(entry.digest(), digest)) {
				match = entry.caller();
			}
		}
		return Optional.ofNullable(match);
	}

	/** The digest form of a key, for configuration files: {@code sha256:<hex>}. */
	static String hash(String key) {
		return HASH_PREFIX + HexFormat.of().formatHex(sha256(key));
	}

	private static byte[] digestOf(String key, String where) {
		if (key == null || key.isBlank()) {
			throw new IllegalStateException(where + ".key is missing");
		}
		if (key.startsWith(HASH_PREFIX)) {
			if (!HASH.matcher(key).matches()) {
				throw new IllegalStateException(where + ".key must be sha256: followed by 64 hex digits");
			}
			return HexFormat.of().parseHex(key.substring(HASH_PREFIX.length()).toLowerCase());
		}
		if (key.length() < MIN_KEY_LENGTH || !key.equals(key.strip())) {
			throw new IllegalStateException(where + ".key must be at least " + MIN_KEY_LENGTH
					+ " characters without surrounding spaces (or sha256:<hex> of such a key)");
		}
		return sha256(key);
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

	private record Entry(Caller caller, byte[] digest) {
	}

}
