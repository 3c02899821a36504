package io.codebase.registry.provisioning;

import java.util.List;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The schema every project database gets: Flyway migrations applied after CREATE DATABASE and before READY,
 * and by schema rollouts to databases that already exist.
 *
 * @param enabled apply the project schema to new project databases; {@code false}: they stay as
 * {@code CREATE DATABASE} made them, and rollouts are refused
 * @param locations Flyway locations of the project-database migrations ({@code classpath:...} or
 * {@code filesystem:...}), comma-separated; each must exist at start-up. The default is the small code-index schema
 * shipped with the service
 * @param baselineVersion the version an adopted database is taken to be at when it already holds objects but no
 * schema history (a codebase-mcp database made by its init script); empty refuses such databases (the project is
 * {@code FAILED})
 * @param historyTable the table in each project database where Flyway records the migrations applied; do not change
 * it once project databases exist
 */
@ConfigurationProperties("registry.provisioning.schema")
public record ProjectSchemaProperties(
		@DefaultValue("true") boolean enabled,
		@DefaultValue("classpath:project-db/migration") List<String> locations,
		@DefaultValue("1") String baselineVersion,
		@DefaultValue("registry_schema_history") String historyTable) {

	private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");

	private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

	public ProjectSchemaProperties {
		locations = locations.stream().map(String::strip).filter(location -> !location.isEmpty()).toList();
		if (enabled && locations.isEmpty()) {
			throw new IllegalArgumentException("registry.provisioning.schema.locations is empty; set at least one "
					+ "location, or registry.provisioning.schema.enabled=false");
		}
		if (!baselineVersion.isEmpty() && !VERSION.matcher(baselineVersion).matches()) {
			throw new IllegalArgumentException("registry.provisioning.schema.baseline-version must be empty or a "
					+ "version such as 1 or 2.1");
		}
		if (!TABLE.matcher(historyTable).matches()) {
			throw new IllegalArgumentException("registry.provisioning.schema.history-table must match " + TABLE);
		}
	}

}
