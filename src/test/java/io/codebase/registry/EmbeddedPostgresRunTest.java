package io.codebase.registry;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.Projects;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ./mvnw spring-boot:run} on a machine with only a JDK: with no datasource configured, the service starts
 * its own PostgreSQL, keeps its data in the configured directory across restarts, and stops it on shutdown.
 */
class EmbeddedPostgresRunTest {

	@TempDir
	Path home;

	@Test
	void startsItsOwnPostgresKeepsProjectsAcrossRestartsAndStopsItCleanly() throws Exception {
		Path data = this.home.resolve("postgres");
		int postgresPort;
		JsonNode created;
		try (ConfigurableApplicationContext app = start(data)) {
			postgresPort = app.getBean(EmbeddedPostgres.class).getPort();
			Http http = http(app);
			var response = http.post("/api/v1/projects", "{\"name\": \"Survivor\"}");
			assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
			created = json(response);
		}
		assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();
		assertThat(Files.exists(data.resolve("postmaster.pid"))).as("PostgreSQL stopped cleanly").isFalse();
		assertThatThrownBy(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("localhost", postgresPort), 1000);
			}
		}).as("nothing listens on the embedded port any more").isInstanceOf(java.io.IOException.class);

		try (ConfigurableApplicationContext app = start(data)) {
			Http http = http(app);
			var response = http.get("/api/v1/projects/Survivor");
			assertThat(response.statusCode()).isEqualTo(200);
			// The same project; only where its server listens may differ (this test's embedded port is picked at start).
			ObjectNode found = (ObjectNode) json(response);
			ObjectNode stored = (ObjectNode) Projects.asStored(created);
			assertThat(found.remove("connection").get("database")).isEqualTo(stored.remove("connection").get("database"));
			assertThat(found).isEqualTo(stored);
			try (var connection = app.getBean(EmbeddedPostgres.class).getPostgresDatabase().getConnection();
					var query = connection.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
				query.setString(1, created.get("databaseName").asString());
				var result = query.executeQuery();
				result.next();
				assertThat(result.getInt(1)).isEqualTo(1);
			}
		}
	}

	private static ConfigurableApplicationContext start(Path data) {
		return new SpringApplicationBuilder(ProjectRegistryApplication.class)
			.run("--registry.embedded.data-directory=" + data, "--registry.embedded.port=0", "--server.port=0");
	}

	private static Http http(ConfigurableApplicationContext app) {
		return new Http(((WebServerApplicationContext) app).getWebServer().getPort());
	}

}
