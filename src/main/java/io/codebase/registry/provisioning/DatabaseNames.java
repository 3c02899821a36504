package io.codebase.registry.provisioning;

import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The codebase-mcp convention for project database names,
 * {@code <prefix><name with '-' and ' ' as '_', lower-cased, cut to 30>_<first 8 hex of the id>}, and the
 * only way an identifier reaches DDL: validated against the managed pattern, then double-quoted.
 */
public final class DatabaseNames {

	static final String PREFIX_REGEX = "[a-z][a-z0-9_]{0,19}";

	private static final Pattern PREFIX = Pattern.compile(PREFIX_REGEX);

	/** A plain lower-case identifier: quoting it cannot change its meaning. */
	static final String TEMPLATE_REGEX = "[a-z_][a-z0-9_]{0,62}";

	private static final Pattern TEMPLATE = Pattern.compile(TEMPLATE_REGEX);

	/** Same expression as the {@code projects_database_name_rule} CHECK constraint. */
	private static final Pattern MANAGED_NAME = Pattern.compile("[a-z][a-z0-9_]*_[a-f0-9]{8}");

	/**
	 * The suffix of a managed template's name, {@code <prefix>template_<8 hex>_schema}: it ends in a letter, so no
	 * template name is ever a managed project-database name (and the reconciler never takes one for an orphan).
	 */
	private static final Pattern TEMPLATE_NAME = Pattern.compile("template_[a-f0-9]{8}_schema");

	private static final int NAME_PART_LENGTH = 30;

	private static final Pattern CREDENTIAL = Pattern.compile("(?i)(user|password|sslpassword)=");

	private static final int MAX_IDENTIFIER_LENGTH = 63;

	private DatabaseNames() {
	}

	/** Derives the database name of a project; the result always satisfies {@link #isManaged(String, String)}. */
	public static String derive(String prefix, String projectName, UUID id) {
		String namePart = projectName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
		if (namePart.length() > NAME_PART_LENGTH) {
			namePart = namePart.substring(0, NAME_PART_LENGTH);
		}
		return prefix + namePart + "_" + id.toString().substring(0, 8);
	}

	/** Whether a database name has the managed shape and prefix, i.e. belongs to a project of this registry. */
	public static boolean isManaged(String prefix, String databaseName) {
		return databaseName != null && databaseName.length() <= MAX_IDENTIFIER_LENGTH
				&& databaseName.startsWith(prefix) && MANAGED_NAME.matcher(databaseName).matches();
	}

	/** The name of the managed template of the project-schema version whose checksum is given (8 hex digits). */
	static String template(String prefix, String checksum) {
		String name = prefix + "template_" + checksum + "_schema";
		if (!isTemplate(prefix, name)) {
			throw new IllegalArgumentException("Not a template checksum: " + checksum);
		}
		return name;
	}

	/** Whether a database name is one of this registry's managed templates, of any project-schema version. */
	static boolean isTemplate(String prefix, String databaseName) {
		return databaseName != null && databaseName.startsWith(prefix)
				&& TEMPLATE_NAME.matcher(databaseName.substring(prefix.length())).matches();
	}

	/**
	 * A PostgreSQL JDBC URL with another database: {@code jdbc:postgresql://hosts/db?params} keeps its hosts and
	 * parameters, except credentials, which never leave the service.
	 */
	static String jdbcUrl(String serverUrl, String databaseName) {
		int hosts = serverUrl.indexOf("//");
		int query = serverUrl.indexOf('?');
		int path = serverUrl.indexOf('/', hosts + 2);
		int hostsEnd = (path >= 0 && (query < 0 || path < query)) ? path : (query >= 0 ? query : serverUrl.length());
		String parameters = (query < 0) ? "" : Arrays.stream(serverUrl.substring(query + 1).split("&"))
			.filter(parameter -> !parameter.isEmpty())
			.filter(parameter -> !CREDENTIAL.matcher(parameter).lookingAt())
			.collect(Collectors.joining("&"));
		return serverUrl.substring(0, hostsEnd) + "/" + databaseName + (parameters.isEmpty() ? "" : "?" + parameters);
	}

	static boolean isValidPrefix(String prefix) {
		return prefix != null && PREFIX.matcher(prefix).matches();
	}

	static boolean isValidTemplate(String template) {
		return template != null && TEMPLATE.matcher(template).matches();
	}

	/** Quotes a template database name; only {@link #TEMPLATE_REGEX} names are accepted, never escaped. */
	static String quoteTemplate(String template) {
		if (!isValidTemplate(template)) {
			throw new IllegalArgumentException("Not a valid template database name: " + template);
		}
		return '"' + template + '"';
	}

	/**
	 * Quotes a database name of managed shape for DDL. Such names hold only {@code [a-z0-9_]}, so no quote or
	 * other character can end the identifier early; anything else is refused rather than escaped. The prefix is
	 * not checked, so projects created under an earlier {@code database-prefix} can still be dropped.
	 */
	static String quote(String databaseName) {
		if (databaseName == null || databaseName.length() > MAX_IDENTIFIER_LENGTH
				|| !MANAGED_NAME.matcher(databaseName).matches()) {
			throw new IllegalArgumentException("Not a managed database name: " + databaseName);
		}
		return '"' + databaseName + '"';
	}

}
