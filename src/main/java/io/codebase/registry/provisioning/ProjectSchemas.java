package io.codebase.registry.provisioning;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Step 3 of provisioning, and the unit of work of a schema rollout: migrates one project database to the latest
 * project schema with Flyway, connecting with the login that created it. Migrations on PostgreSQL are
 * transactional, so a failed one leaves the database at the previous version, ready for a retry.
 * <p>
 * A database that already holds objects but no schema history (adopted: a codebase-mcp database made by its
 * init script) is baselined at {@code baseline-version}, so only the migrations after it are applied.
 */
@Component
public class ProjectSchemas {

	private static final Logger log = LoggerFactory.getLogger(ProjectSchemas.class);

	/** Flyway's multi-line reports, made one line for {@code lastError} and rollout items. */
	private static final Pattern LINE_BREAKS = Pattern.compile("\\s*\\R[\\s-]*");

	private static final int MAX_ERROR_LENGTH = 4000;

	private final DatabaseProvisioner provisioner;

	private final ProjectSchemaProperties properties;

	ProjectSchemas(DatabaseProvisioner provisioner, ProjectSchemaProperties properties) {
		this.provisioner = provisioner;
		this.properties = properties;
		if (properties.enabled()) {
			properties.locations().forEach(ProjectSchemas::requireLocation);
			log.info("Project databases get the schema from {}", properties.locations());
		}
	}

	public boolean enabled() {
		return this.properties.enabled();
	}

	public List<String> locations() {
		return this.properties.locations();
	}

	/**
	 * Migrates the database to the latest version found in the locations. Throws {@link ProvisioningException}
	 * with Flyway's reason when a migration fails; nothing is applied when the schema step is disabled.
	 */
	public Migration migrate(DatabaseServer server, String databaseName) {
		DatabaseNames.quote(databaseName);
		if (!this.properties.enabled()) {
			return Migration.NONE;
		}
		return this.provisioner.timed(DatabaseProvisioner.Operation.MIGRATE, () -> {
			// A fresh copy of the current template: Flyway validated that very schema when it built the template.
			Optional<String> copied = this.provisioner.currentCopyVersion(server, databaseName);
			if (copied.isPresent()) {
				return new Migration(copied.get(), copied.get(), List.of());
			}
			try {
				MigrateResult result = ProjectDatabaseLogs.quietly(() -> flyway(this.properties, server, databaseName).migrate());
				if (!result.success) {
					throw new FlywayException("migration did not succeed: " + result.getFailedMigrations());
				}
				String version = (result.targetSchemaVersion != null) ? result.targetSchemaVersion
						: result.initialSchemaVersion;
				if (result.migrationsExecuted > 0) {
					log.info("Migrated database {} from version {} to {} ({} migrations)", databaseName,
							result.initialSchemaVersion, version, result.migrationsExecuted);
				}
				return new Migration(result.initialSchemaVersion, version,
						result.migrations.stream().map(applied -> applied.version).toList());
			}
			catch (FlywayException ex) {
				throw new ProvisioningException("Migrating the schema of database " + databaseName + " on " + server.name() + " failed: "
						+ oneLine(ex.getMessage()), ex);
			}
		});
	}

	/**
	 * What {@link #migrate} would do to the database now, without changing it: its current version and the
	 * migrations still to apply (Flyway's {@code info()}). A database that cannot be read throws
	 * {@link ProvisioningException}.
	 */
	public Pending pending(DatabaseServer server, String databaseName) {
		DatabaseNames.quote(databaseName);
		if (!this.properties.enabled()) {
			return new Pending(null, List.of());
		}
		try {
			MigrationInfoService info = ProjectDatabaseLogs.quietly(() -> flyway(this.properties, server, databaseName).info());
			MigrationInfo current = info.current();
			return new Pending((current != null && current.getVersion() != null) ? current.getVersion().getVersion() : null,
					Arrays.stream(info.pending()).map(migration -> migration.getVersion().getVersion()).toList());
		}
		catch (FlywayException ex) {
			throw new ProvisioningException("Reading the schema history of database " + databaseName + " on "
					+ server.name() + " failed: " + oneLine(ex.getMessage()), ex);
		}
	}

	/** The one Flyway configuration of project databases: provisioning, rollouts and the managed templates. */
	static Flyway flyway(ProjectSchemaProperties properties, DatabaseServer server, String databaseName) {
		String baseline = properties.baselineVersion();
		return Flyway.configure(ProjectSchemas.class.getClassLoader())
			.dataSource(server.jdbcUrlFor(databaseName), server.username(), server.password())
			.locations(properties.locations().toArray(String[]::new))
			.table(properties.historyTable())
			.baselineOnMigrate(!baseline.isEmpty())
			.baselineVersion(baseline.isEmpty() ? "1" : baseline)
			.baselineDescription("adopted by the project registry")
			.failOnMissingLocations(true)
			.cleanDisabled(true)
			.connectRetries(0)
			.loggers(ProjectDatabaseLogs.class.getName())
			// A session lock makes Flyway run each migration and its schema-history row on one connection, in one
			// transaction. With its default transactional lock it uses two, and a replica killed between the two
			// commits left tables without their history row: the next attempt failed with 42P07 "already exists".
			.configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
			.load();
	}

	/** A location that cannot be found is a configuration error: refuse to start rather than fail every project. */
	private static void requireLocation(String location) {
		if (location.startsWith("classpath:")) {
			String path = location.substring("classpath:".length()).replaceFirst("^/", "");
			if (ProjectSchemas.class.getClassLoader().getResource(path) == null) {
				throw new IllegalStateException("registry.provisioning.schema.locations: " + location + " is not on the classpath");
			}
		}
		else if (location.startsWith("filesystem:")) {
			Path directory = Path.of(location.substring("filesystem:".length()));
			if (!Files.isDirectory(directory)) {
				throw new IllegalStateException("registry.provisioning.schema.locations: " + location + " is not a directory");
			}
		}
	}

	static String oneLine(String message) {
		String text = LINE_BREAKS.matcher(String.valueOf(message).strip()).replaceAll("; ");
		return (text.length() <= MAX_ERROR_LENGTH) ? text : text.substring(0, MAX_ERROR_LENGTH) + "...";
	}

	/**
	 * The outcome of a migration.
	 *
	 * @param from the version before; null for a database without schema history
	 * @param to the version after; null when there is no migration at all (or the step is disabled)
	 * @param applied the versions of the migrations that ran, in order (a baseline counts as one)
	 */
	public record Migration(String from, String to, List<String> applied) {

		static final Migration NONE = new Migration(null, null, List.of());

	}

	/**
	 * What a migration would do.
	 *
	 * @param current the version now; null for a database without schema history
	 * @param versions the versions of the migrations still to apply, in order
	 */
	public record Pending(String current, List<String> versions) {

		/** The version the database would be at after migrating. */
		public String target() {
			return this.versions.isEmpty() ? this.current : this.versions.get(this.versions.size() - 1);
		}

	}

}
