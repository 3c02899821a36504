package io.codebase.registry.project;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one project name rule (codebase-mcp's, so its names and config files keep working): 1 to 255 ASCII
 * letters, digits, {@code _}, {@code -} and spaces, starting and ending with a letter or digit. The API, the
 * service and the {@code projects_name_rule} CHECK constraint all use {@link #REGEX}.
 */
public final class ProjectName {

	public static final String REGEX = "^[A-Za-z0-9]([A-Za-z0-9_ -]{0,253}[A-Za-z0-9])?$";

	public static final String RULE = "1-255 ASCII letters, digits, '_', '-' or spaces, starting and ending with a letter or digit";

	private static final Pattern PATTERN = Pattern.compile(REGEX);

	private ProjectName() {
	}

	public static boolean isValid(String name) {
		return name != null && PATTERN.matcher(name).matches();
	}

	/**
	 * The key names are unique and looked up by, regardless of case; the same rule as the {@code name_key}
	 * column ({@code lower(name)}), which is exact for the ASCII names {@link #REGEX} allows.
	 */
	public static String key(String name) {
		return name.toLowerCase(Locale.ROOT);
	}

}
