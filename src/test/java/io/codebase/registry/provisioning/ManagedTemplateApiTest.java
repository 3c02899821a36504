package io.codebase.registry.provisioning;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.provisioning.ProjectSchemaProvisioningTest.connect;
import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The managed template with the default settings, through the API: the first create on a server has it built,
 * later projects are copies of it (their schema history is the template's, older than the project), and the
 * reconciler does not take it for an orphan project database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagedTemplateApiTest {

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	@Autowired
	ProjectTemplates templates;

	@Test
	void projectsAreCopiesOfTheSealedTemplateWhichTheReconcilerLeavesAlone() throws Exception {
		Http http = new Http(this.port);
		create(http);
		String template = "cb_proj_template_" + this.templates.checksum() + "_schema";
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (db.count("SELECT count(*) FROM pg_database WHERE datname = ? AND datistemplate AND NOT datallowconn",
				template) == 0) {
			assertThat(System.nanoTime()).as("template %s sealed within 60 s", template).isLessThan(deadline);
			Thread.sleep(50);
		}
		Instant beforeCreate = Instant.now();

		String database = create(http);

		try (Connection connection = connect(database); Statement statement = connection.createStatement();
				ResultSet migrated = statement.executeQuery("SELECT installed_on FROM registry_schema_history")) {
			assertThat(migrated.next()).isTrue();
			assertThat(migrated.getObject(1, Timestamp.class).toInstant()).as("migrated in the template, before the create")
				.isBefore(beforeCreate);
		}
		HttpResponse<String> report = http.get("/api/v1/reconciliation");
		assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
		assertThat(report.body()).contains("\"drifts\"").doesNotContain(template);
	}

	private static String create(Http http) {
		HttpResponse<String> created = http.post("/api/v1/projects", "{\"name\": \"" + Projects.uniqueName("copied") + "\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		return json(created).get("databaseName").asString();
	}

}
