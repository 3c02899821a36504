package io.codebase.registry.credentials;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The names of a project database's roles and of the credentials issued for it. PostgreSQL cuts identifiers at
 * 63 bytes and a database name may be 63 long, so the roles share a base of at most 57 characters: the database
 * name, or, when longer, its first 48 characters and its {@code _<8 hex of the project id>} ending. Every name holds
 * only {@code [a-z0-9_]}, so quoting cannot change its meaning; anything else is refused, never escaped.
 */
final class RoleNames {

	static final int MAX_IDENTIFIER_LENGTH = 63;

	/** Same shape as a managed database name (the {@code projects_database_name_rule} CHECK constraint). */
	private static final Pattern DATABASE = Pattern.compile("[a-z][a-z0-9_]*_[a-f0-9]{8}");

	private static final int MAX_BASE_LENGTH = MAX_IDENTIFIER_LENGTH - "_owner".length();

	private static final int ID_SUFFIX_LENGTH = "_12345678".length();

	private static final int RANDOM_LENGTH = 12;

	private static final String RANDOM_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final String base;

	private RoleNames(String base) {
		this.base = base;
	}

	/** The roles of one database; a name that is not of managed shape is refused. */
	static RoleNames of(String databaseName) {
		if (databaseName == null || databaseName.length() > MAX_IDENTIFIER_LENGTH
				|| !DATABASE.matcher(databaseName).matches()) {
			throw new IllegalArgumentException("Not a managed database name: " + databaseName);
		}
		if (databaseName.length() <= MAX_BASE_LENGTH) {
			return new RoleNames(databaseName);
		}
		int cut = MAX_BASE_LENGTH - ID_SUFFIX_LENGTH;
		return new RoleNames(databaseName.substring(0, cut) + databaseName.substring(databaseName.length() - ID_SUFFIX_LENGTH));
	}

	/** Owns the database (NOLOGIN); the admin login is a member, so it can still migrate and drop it. */
	String owner() {
		return this.base + "_owner";
	}

	/** May connect, read and write every table and sequence (NOLOGIN). */
	String readWrite() {
		return this.base + "_rw";
	}

	/** May connect and read every table (NOLOGIN). */
	String readOnly() {
		return this.base + "_ro";
	}

	/** The 8 hex digits of the project id that end the database name. */
	String idSuffix() {
		return this.base.substring(this.base.length() - (ID_SUFFIX_LENGTH - 1));
	}

	/**
	 * A new credential's login name, {@code <prefix>cred_<8 hex of the project id>_<12 random [a-z0-9]>}: at most
	 * 20 + 5 + 8 + 1 + 12 = 46 characters. The shape is what marks a login role as one of ours.
	 */
	String newCredential(String prefix) {
		StringBuilder name = new StringBuilder(prefix).append("cred_").append(idSuffix()).append('_');
		for (int i = 0; i < RANDOM_LENGTH; i++) {
			name.append(RANDOM_ALPHABET.charAt(RANDOM.nextInt(RANDOM_ALPHABET.length())));
		}
		return name.toString();
	}

	/** The regular expression (for Java and PostgreSQL alike) of every credential name issued under this prefix. */
	static String credentialPattern(String prefix) {
		return "^" + prefix + "cred_[a-f0-9]{8}_[a-z0-9]{" + RANDOM_LENGTH + "}$";
	}

	/** Double-quotes a name made here or checked against {@link #credentialPattern}; anything else is refused. */
	static String quote(String role) {
		if (role == null || role.length() > MAX_IDENTIFIER_LENGTH || !role.matches("[a-z][a-z0-9_]*")) {
			throw new IllegalArgumentException("Not a role name of the registry: " + role);
		}
		return '"' + role + '"';
	}

}
