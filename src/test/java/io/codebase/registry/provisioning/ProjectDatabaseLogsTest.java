package io.codebase.registry.provisioning;

import java.util.List;
import java.util.UUID;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import io.codebase.registry.support.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provisioning is quiet: Flyway's lines for a project database are at DEBUG, while a migration outside
 * provisioning (the registry's own, at start-up) keeps its INFO lines, even after a project's migration made
 * {@link ProjectDatabaseLogs} Flyway's log creator for the whole JVM.
 */
class ProjectDatabaseLogsTest {

	private static final TestDatabase db = TestDatabase.get();

	private final Logger flywayLog = (Logger) LoggerFactory.getLogger("org.flywaydb");

	private final ListAppender<ILoggingEvent> events = new ListAppender<>();

	private Level level;

	@BeforeEach
	void capture() {
		this.level = this.flywayLog.getLevel();
		this.flywayLog.setLevel(Level.DEBUG);
		this.events.start();
		this.flywayLog.addAppender(this.events);
	}

	@AfterEach
	void release() {
		this.flywayLog.detachAppender(this.events);
		this.flywayLog.setLevel(this.level);
	}

	@Test
	void aProjectDatabaseMigratesAtDebugAndOtherMigrationsStillAtInfo() {
		try (HikariDataSource pool = new HikariDataSource()) {
			pool.setJdbcUrl(db.jdbcUrl());
			pool.setUsername(db.username());
			pool.setPassword(System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""));
			DatabaseProvisioner provisioner = Provisioners.withoutManagedTemplate(
					new ProvisioningProperties("", "", "", "cb_proj_", 2, ""), new SimpleMeterRegistry());
			DatabaseServer server = DatabaseServer.shared("default", pool, db.jdbcUrl(), db.username(),
					System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""));
			ProjectSchemas schemas = new ProjectSchemas(provisioner, new ProjectSchemaProperties(true,
					List.of("classpath:project-db/migration"), "1", "registry_schema_history"));
			String project = provisioner.databaseNameFor("quiet", UUID.randomUUID());
			provisioner.createDatabase(server, project);
			String other = "logs_" + UUID.randomUUID().toString().substring(0, 8);
			db.execute("CREATE DATABASE " + other);
			try {
				schemas.migrate(server, project);
				List<Level> projectLevels = migrationLevels();
				this.events.list.clear();

				Flyway.configure()
					.dataSource(DatabaseNames.jdbcUrl(db.jdbcUrl(), other), db.username(),
							System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""))
					.locations("classpath:project-db/migration")
					.load()
					.migrate();

				assertThat(projectLevels).as("Flyway's migration lines for the project database").isNotEmpty()
					.containsOnly(Level.DEBUG);
				assertThat(migrationLevels()).as("Flyway's migration lines for another database").isNotEmpty()
					.containsOnly(Level.INFO);
			}
			finally {
				provisioner.dropDatabase(server, project);
				db.execute("DROP DATABASE " + other);
			}
		}
	}

	private List<Level> migrationLevels() {
		return this.events.list.stream()
			.filter(event -> event.getFormattedMessage().startsWith("Migrating schema"))
			.map(ILoggingEvent::getLevel)
			.toList();
	}

}
