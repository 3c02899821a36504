package io.codebase.registry.provisioning;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import io.codebase.registry.project.EnsureProject;
import io.codebase.registry.project.EnsuredProject;
import io.codebase.registry.project.CreationPolicy;
import io.codebase.registry.project.ProjectGetOrCreate;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default project schema is applied to every new project database before it is READY, its version is
 * exposed and filterable, and an adopted database that already holds the old init script's tables is baselined
 * instead of migrated from scratch.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProjectSchemaProvisioningTest {

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	@Autowired
	ProjectGetOrCreate projects;

	@Autowired
	DatabaseProvisioner provisioner;

	@Test
	void aNewProjectDatabaseHoldsTheDefaultSchemaWhenItIsReady() throws SQLException {
		Http http = new Http(this.port);
		String name = Projects.uniqueName("schema");

		HttpResponse<String> created = http.post("/api/v1/projects", "{\"name\": \"" + name + "\"}");

		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		JsonNode project = json(created);
		assertThat(project.get("state").asString()).isEqualTo("READY");
		assertThat(project.get("schemaVersion").asString()).isEqualTo("1");
		String database = project.get("databaseName").asString();
		assertThat(tablesOf(database)).contains("repositories", "code_files", "code_chunks", "registry_schema_history");
		// Usable by a client at once: a chunk of a file of a repository.
		execute(database, """
				INSERT INTO repositories (path, name) VALUES ('/src/app', 'app');
				INSERT INTO code_files (repository_id, path, content_hash) SELECT id, 'Main.java', 'abc' FROM repositories;
				INSERT INTO code_chunks (code_file_id, chunk_index, start_line, end_line, content, embedding)
				SELECT id, 0, 1, 3, 'class Main {}', '{0.1,0.2}' FROM code_files""");

		String id = project.get("id").asString();
		assertThat(listedIds(http, "schemaVersion=1&namePrefix=" + name)).containsExactly(id);
		assertThat(listedIds(http, "schemaVersion=2&namePrefix=" + name)).isEmpty();
		assertThat(listedIds(http, "schemaVersion=none&namePrefix=" + name)).isEmpty();
	}

	@Test
	void anAdoptedDatabaseWithTheOldTablesIsBaselinedNotMigratedAgain() throws SQLException {
		String name = Projects.uniqueName("adopted");
		UUID id = UUID.randomUUID();
		String database = this.provisioner.databaseNameFor(name, id);
		db.execute("CREATE DATABASE " + database);
		// What codebase-mcp's init script left behind, with a row the registry must not touch.
		execute(database, "CREATE TABLE repositories (id serial PRIMARY KEY, path text); "
				+ "INSERT INTO repositories (path) VALUES ('/src/legacy')");

		EnsuredProject adopted = this.projects.getOrCreate(new EnsureProject(name, null, id, database),
				CreationPolicy.MAY_CREATE);

		assertThat(adopted.project().state()).isEqualTo(ProjectState.READY);
		assertThat(adopted.project().schemaVersion()).isEqualTo("1");
		assertThat(count(database, "SELECT count(*) FROM repositories")).isEqualTo(1);
		assertThat(count(database, "SELECT count(*) FROM registry_schema_history WHERE type = 'BASELINE' AND version = '1'"))
			.isEqualTo(1);
		assertThat(tablesOf(database)).doesNotContain("code_chunks");
	}

	private static java.util.List<String> listedIds(Http http, String query) {
		java.util.List<String> ids = new java.util.ArrayList<>();
		json(http.get("/api/v1/projects?" + query)).get("content").forEach(p -> ids.add(p.get("id").asString()));
		return ids;
	}

	static java.util.List<String> tablesOf(String database) throws SQLException {
		java.util.List<String> tables = new java.util.ArrayList<>();
		try (Connection connection = connect(database); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
			while (result.next()) {
				tables.add(result.getString(1));
			}
		}
		return tables;
	}

	static long count(String database, String sql) throws SQLException {
		try (Connection connection = connect(database); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
	}

	static void execute(String database, String sql) throws SQLException {
		try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	static Connection connect(String database) throws SQLException {
		TestDatabase test = TestDatabase.get();
		return DriverManager.getConnection(DatabaseNames.jdbcUrl(test.jdbcUrl(), database), test.username(),
				System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""));
	}

}
