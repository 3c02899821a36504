package io.codebase.registry.provisioning;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.codebase.registry.support.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.codebase.registry.provisioning.ProjectSchemaProvisioningTest.connect;
import static io.codebase.registry.provisioning.ProjectSchemaProvisioningTest.execute;
import static io.codebase.registry.provisioning.ProjectSchemaProvisioningTest.tablesOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry-managed template per project-schema version, against the real PostgreSQL: new databases are born
 * at the current version, a changed migration set gets a new template, builds are exclusive and survive crashes,
 * and a create never fails because of the template. Each test has a database prefix of its own, so the templates
 * of application contexts sharing the server are not touched.
 */
class ManagedTemplateTest {

	private static final TestDatabase db = TestDatabase.get();

	@TempDir
	Path migrations;

	private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 6) + "_";

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final List<ProjectTemplates> replicas = new ArrayList<>();

	private HikariDataSource pool;

	private DatabaseServer server;

	@BeforeEach
	void setUp() {
		this.pool = new HikariDataSource();
		this.pool.setJdbcUrl(db.jdbcUrl());
		this.pool.setUsername(db.username());
		this.pool.setPassword(System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""));
		this.pool.setMaximumPoolSize(8);
		this.server = DatabaseServer.shared("default", this.pool, db.jdbcUrl(), db.username(),
				System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""));
	}

	@AfterEach
	void dropOwnDatabases() throws SQLException {
		this.replicas.forEach(ProjectTemplates::destroy);
		try (Connection connection = db.connect(); Statement statement = connection.createStatement();
				ResultSet names = connection.createStatement()
					.executeQuery("SELECT datname FROM pg_database WHERE starts_with(datname, '" + this.prefix + "')")) {
			while (names.next()) {
				statement.execute("ALTER DATABASE " + names.getString(1) + " IS_TEMPLATE false");
				statement.execute("DROP DATABASE " + names.getString(1) + " WITH (FORCE)");
			}
		}
		this.pool.close();
	}

	@Test
	void aNewDatabaseIsBornAtTheCurrentVersionWithTheTablesOfAMigratedOne() throws SQLException {
		ProjectTemplates templates = replica(Duration.ZERO);
		String template = templates.ensure(this.server).orElseThrow();
		Replica copying = new Replica(templates);
		Replica migrating = new Replica(null);

		String copied = copying.create("copied");
		String migrated = migrating.create("migrated");

		assertThat(template).matches(this.prefix + "template_[a-f0-9]{8}_schema");
		assertThat(copying.provisioner.isManagedName(template)).as("what the reconciler takes for a project's").isFalse();
		assertThat(sealed(template)).isTrue();
		assertThat(copying.migrate(copied)).isEqualTo(new ProjectSchemas.Migration("1", "1", List.of()));
		assertThat(migrating.migrate(migrated).applied()).containsExactly("1");
		assertThat(columnsOf(copied)).isNotEmpty().isEqualTo(columnsOf(migrated));
		assertThat(fallbacks("not-ready") + fallbacks("refused")).isZero();
	}

	@Test
	void aChangedMigrationSetGetsANewTemplateAndTheOldOneIsDropped() throws Exception {
		ProjectTemplates templates = replica(Duration.ZERO);
		String first = templates.ensure(this.server).orElseThrow();
		Files.writeString(this.migrations.resolve("V2__notes.sql"), "CREATE TABLE notes (id bigint PRIMARY KEY, body text);");
		Replica stale = new Replica(templates);

		// A copy of the template of the old migrations: Flyway brings it up to date, and the template is built again.
		String copiedBefore = stale.create("stale");
		assertThat(stale.migrate(copiedBefore)).isEqualTo(new ProjectSchemas.Migration("1", "2", List.of("2")));
		await(() -> templates.readyOn(this.server).filter(name -> !name.equals(first)).isPresent());

		String second = templates.readyOn(this.server).orElseThrow();
		assertThat(second).startsWith(this.prefix + "template_");
		assertThat(db.databaseExists(first)).isFalse();
		assertThat(sealed(second)).isTrue();
		ProjectTemplates upgraded = replica(Duration.ZERO);
		assertThat(upgraded.ensure(this.server)).as("another replica with these migrations").hasValue(second);
		Replica replica = new Replica(upgraded);
		String copied = replica.create("upgraded");
		assertThat(replica.migrate(copied)).isEqualTo(new ProjectSchemas.Migration("2", "2", List.of()));
		assertThat(tablesOf(copied)).contains("notes", "code_files");
	}

	/**
	 * A rolling upgrade: replicas with the new migrations drop the old template once; replicas still on the old ones
	 * build theirs again, and leave the newer template alone, so the two never keep dropping each other's.
	 */
	@Test
	void replicasOfAnOlderSchemaBuildTheirTemplateAgainAndKeepTheNewerOne(@TempDir Path older) throws Exception {
		ProjectTemplates old = replica(Duration.ZERO, older);
		String oldTemplate = old.ensure(this.server).orElseThrow();
		Files.writeString(this.migrations.resolve("V2__notes.sql"), "CREATE TABLE notes (id bigint PRIMARY KEY, body text);");
		ProjectTemplates upgraded = replica(Duration.ZERO);

		String newTemplate = upgraded.ensure(this.server).orElseThrow();

		assertThat(newTemplate).isNotEqualTo(oldTemplate);
		assertThat(db.databaseExists(oldTemplate)).isFalse();
		assertThat(old.ensure(this.server)).hasValue(oldTemplate);
		assertThat(sealed(oldTemplate)).isTrue();
		assertThat(sealed(newTemplate)).as("the newer template, after the older replica built its own").isTrue();
	}

	@Test
	void createsWhileTheTemplateIsBeingBuiltAllSucceedAndOnlyOneReplicaBuildsIt() throws Exception {
		// A migration slow enough for every create below to overlap the build.
		Files.writeString(this.migrations.resolve("V2__slow.sql"), "SELECT pg_sleep(1.5);");
		ProjectTemplates templates = replica(Duration.ofMinutes(1));
		ProjectTemplates other = replica(Duration.ZERO);
		Replica replica = new Replica(templates);
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			List<Future<ProjectSchemas.Migration>> creates = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				String name = "concurrent-" + i;
				creates.add(threads.submit(() -> replica.migrate(replica.create(name))));
			}
			// The first create started the build in the background; another replica must not build it too.
			String template = this.prefix + "template_" + templates.checksum() + "_schema";
			await(() -> db.databaseExists(template));
			assertThat(other.ensure(this.server)).as("another replica's build").isEmpty();

			for (Future<ProjectSchemas.Migration> create : creates) {
				assertThat(create.get(60, TimeUnit.SECONDS).to()).isEqualTo("2");
			}
			assertThat(fallbacks("not-ready")).isEqualTo(4);
			await(() -> sealed(template));
			long oid = db.count("SELECT oid FROM pg_database WHERE datname = ?", template);
			await(() -> templates.readyOn(this.server).isPresent());
			assertThat(other.ensure(this.server)).hasValue(template);
			assertThat(db.count("SELECT oid FROM pg_database WHERE datname = ?", template)).as("not built again").isEqualTo(oid);
			assertThat(replica.migrate(replica.create("after")).applied()).isEmpty();
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void aHalfBuiltTemplateIsDroppedAndBuiltAgain() throws SQLException {
		ProjectTemplates templates = replica(Duration.ZERO);
		String template = this.prefix + "template_" + templates.checksum() + "_schema";
		// What a replica killed during the build leaves: created, partly migrated, never sealed.
		db.execute("CREATE DATABASE " + template);
		execute(template, "CREATE TABLE repositories (id int)");

		assertThat(templates.ensure(this.server)).hasValue(template);

		assertThat(sealed(template)).isTrue();
		Replica replica = new Replica(templates);
		String copied = replica.create("rebuilt");
		assertThat(replica.migrate(copied).applied()).isEmpty();
		assertThat(tablesOf(copied)).contains("repositories", "code_files", "code_chunks", "registry_schema_history");
	}

	@Test
	void aTemplateDroppedUnderAReplicaTakesTheNormalPathOnceAndIsBuiltAgainAtOnce() throws Exception {
		// A retry-after longer than the test: the rebuild must not wait for it.
		ProjectTemplates templates = replica(Duration.ofHours(1));
		String template = templates.ensure(this.server).orElseThrow();
		// A replica of a newer project schema dropped it.
		db.execute("ALTER DATABASE " + template + " IS_TEMPLATE false");
		db.execute("DROP DATABASE " + template);
		Replica replica = new Replica(templates);

		String created = replica.create("refused");

		assertThat(replica.migrate(created).applied()).containsExactly("1");
		assertThat(fallbacks("refused")).isEqualTo(1);
		await(() -> sealed(template));
		assertThat(templates.readyOn(this.server)).contains(template);
	}

	@Test
	void aCopyTheServerRefusesForAnotherReasonTakesTheNormalPathAndWaitsRetryAfter() throws Exception {
		ProjectTemplates templates = replica(Duration.ofMinutes(1));
		String template = templates.ensure(this.server).orElseThrow();
		// Someone connected to the template: the server refuses to copy a database that is in use.
		db.execute("ALTER DATABASE " + template + " ALLOW_CONNECTIONS true");
		Replica replica = new Replica(templates);
		try (Connection user = connect(template)) {

			String created = replica.create("refused");

			assertThat(replica.migrate(created).applied()).containsExactly("1");
		}
		assertThat(fallbacks("refused")).isEqualTo(1);
		assertThat(templates.readyOn(this.server)).as("not used again before retry-after").isEmpty();
		assertThat(fallbacks("not-ready")).isEqualTo(1);
	}

	@Test
	void anOperatorsTemplateOrTheSwitchTurnsManagedTemplatesOff() {
		ProvisioningProperties operator = new ProvisioningProperties("", "", "", this.prefix, 2, "template0");
		assertThat(new ProjectTemplates(operator, schema(this.migrations), new ManagedTemplateProperties(true, Duration.ZERO), this.meters)
			.readyOn(this.server)).isEmpty();
		assertThat(new ProjectTemplates(properties(), schema(this.migrations), new ManagedTemplateProperties(false, Duration.ZERO),
				this.meters)
			.readyOn(this.server)).isEmpty();
		assertThat(fallbacks("not-ready")).isZero();
		assertThat(db.databasesStartingWith(this.prefix)).isZero();
	}

	private ProjectTemplates replica(Duration retryAfter) {
		return replica(retryAfter, this.migrations);
	}

	/** A replica whose project schema is the classpath's migrations and those in this directory. */
	private ProjectTemplates replica(Duration retryAfter, Path migrations) {
		ProjectTemplates templates = new ProjectTemplates(properties(), schema(migrations),
				new ManagedTemplateProperties(true, retryAfter), this.meters);
		this.replicas.add(templates);
		return templates;
	}

	private ProvisioningProperties properties() {
		return new ProvisioningProperties("", "", "", this.prefix, 2, "");
	}

	private static ProjectSchemaProperties schema(Path migrations) {
		return new ProjectSchemaProperties(true, List.of("classpath:project-db/migration", "filesystem:" + migrations),
				"1", "registry_schema_history");
	}

	private double fallbacks(String reason) {
		return this.meters.get("registry.provisioning.template.fallbacks").tag("reason", reason).counter().count();
	}

	private static boolean sealed(String database) {
		return db.count("SELECT count(*) FROM pg_database WHERE datname = ? AND datistemplate AND NOT datallowconn",
				database) == 1;
	}

	private static List<String> columnsOf(String database) throws SQLException {
		List<String> columns = new ArrayList<>();
		try (Connection connection = connect(database); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("""
						SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
						WHERE table_schema = 'public' AND table_name <> 'registry_schema_history'
						ORDER BY table_name, ordinal_position""")) {
			while (result.next()) {
				columns.add(result.getString(1));
			}
		}
		return columns;
	}

	private static void await(Callable<Boolean> condition) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (!condition.call()) {
			assertThat(System.nanoTime()).as("condition not met within 120 s").isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	/** One replica's provisioning: its provisioner (with the given templates, or none) and its schema step. */
	private final class Replica {

		final DatabaseProvisioner provisioner;

		final ProjectSchemas schemas;

		Replica(ProjectTemplates templates) {
			ManagedTemplateTest test = ManagedTemplateTest.this;
			this.provisioner = (templates != null) ? new DatabaseProvisioner(properties(), templates, test.meters)
					: Provisioners.withoutManagedTemplate(properties(), test.meters);
			this.schemas = new ProjectSchemas(this.provisioner, schema(test.migrations));
		}

		String create(String project) {
			String name = this.provisioner.databaseNameFor(project, UUID.randomUUID());
			assertThat(this.provisioner.createDatabase(ManagedTemplateTest.this.server, name)).isTrue();
			return name;
		}

		ProjectSchemas.Migration migrate(String database) {
			return this.schemas.migrate(ManagedTemplateTest.this.server, database);
		}

	}

}
