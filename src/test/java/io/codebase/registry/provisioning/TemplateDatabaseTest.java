package io.codebase.registry.provisioning;

import java.sql.Connection;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.codebase.registry.support.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static io.codebase.registry.provisioning.ProjectSchemaProvisioningTest.connect;
import static io.codebase.registry.provisioning.ProjectSchemaProvisioningTest.execute;
import static io.codebase.registry.provisioning.ProjectSchemaProvisioningTest.tablesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code registry.provisioning.template}: new project databases are copies of the template, and the price of the
 * fast copy is that nobody may be connected to the template meanwhile.
 */
class TemplateDatabaseTest {

	private static final TestDatabase db = TestDatabase.get();

	@Test
	void newDatabasesAreCopiesOfTheTemplateWhichNoSessionMayUse() throws Exception {
		String template = "tpl_" + UUID.randomUUID().toString().substring(0, 8);
		db.execute("CREATE DATABASE " + template);
		execute(template, "CREATE TABLE preloaded (id int)");
		try (HikariDataSource pool = pool()) {
			DatabaseProvisioner provisioner = Provisioners.withoutManagedTemplate(
					new ProvisioningProperties("", "", "", "cb_proj_", 2, template), new SimpleMeterRegistry());
			DatabaseServer server = DatabaseServer.shared("default", pool, db.jdbcUrl(), db.username(), "");
			String copy = provisioner.databaseNameFor("templated", UUID.randomUUID());

			assertThat(provisioner.createDatabase(server, copy)).isTrue();

			assertThat(tablesOf(copy)).containsExactly("preloaded");
			String blocked = provisioner.databaseNameFor("blocked", UUID.randomUUID());
			try (Connection session = connect(template)) {
				assertThatExceptionOfType(ProvisioningException.class).isThrownBy(() -> provisioner.createDatabase(server, blocked))
					.withMessageContaining("TEMPLATE \"" + template + "\"")
					.withMessageContaining("is being accessed by other users");
			}
			assertThat(db.databaseExists(blocked)).isFalse();
			provisioner.dropDatabase(server, copy);
		}
		finally {
			db.execute("DROP DATABASE " + template);
		}
	}

	@Test
	void templateNamesAreValidatedBeforeTheyReachDdl() {
		for (String hostile : new String[] { "Template1", "tpl\"; DROP DATABASE registry; --", "a b", "1tpl" }) {
			assertThatIllegalArgumentException().as(hostile)
				.isThrownBy(() -> new ProvisioningProperties("", "", "", "cb_proj_", 2, hostile));
		}
		assertThat(DatabaseNames.quoteTemplate("template0")).isEqualTo("\"template0\"");
	}

	private static HikariDataSource pool() {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(db.jdbcUrl());
		pool.setUsername(db.username());
		pool.setPassword(System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""));
		pool.setMaximumPoolSize(2);
		return pool;
	}

}
