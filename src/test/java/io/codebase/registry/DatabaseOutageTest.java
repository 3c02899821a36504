package io.codebase.registry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.support.Http;
import io.micrometer.core.instrument.MeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops under a running service, then comes back. Meanwhile cached projects still resolve (EXPLICIT,
 * flagged servedFromCache), everything else is a 503 problem with Retry-After and writes nothing. Readiness and
 * liveness stay UP, so a failover does not take the pod out of the Service (the cached answers reach clients);
 * the health group dependencies (db, coherence) is DOWN. Afterwards the service recovers without a restart and its cache is cleared. It runs its
 * own PostgreSQL, so as not to stop the one every other test uses.
 */
class DatabaseOutageTest {

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	@Test
	void cachedProjectsResolveDuringAnOutageTheRestIsA503AndTheServiceRecoversWithoutRestart(@TempDir Path data)
			throws Exception {
		int pgPort = freePort();
		EmbeddedPostgres postgres = start(data, pgPort);
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ProjectRegistryApplication.class)
			.properties("spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
					"spring.datasource.username=postgres", "spring.datasource.hikari.connection-timeout=1000",
					"registry.coherence.backoff-max=1s")
			.run("--server.port=0")) {
			Http http = new Http(((WebServerApplicationContext) app).getWebServer().getPort());
			JsonNode cached = json(http.post("/api/v1/projects", "{\"name\": \"cached before the outage\"}"));
			String id = cached.get("id").asString();
			JsonNode notCached = json(http.post("/api/v1/projects", "{\"name\": \"never looked up\"}"));
			for (String key : List.of(id, "cached%20before%20the%20outage")) {
				assertThat(json(http.get("/api/v1/resolutions?project=" + key)).get("servedFromCache").asBoolean()).isFalse();
			}
			assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
			assertThat(http.get("/actuator/health/dependencies").statusCode()).isEqualTo(200);

			postgres.close();
			ProjectLookup projects = app.getBean(ProjectLookup.class);
			await().atMost(DEADLINE).until(projects::cacheUnconfirmed);

			for (String key : List.of(id, "cached%20before%20the%20outage")) {
				HttpResponse<String> resolved = http.get("/api/v1/resolutions?project=" + key);
				assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
				assertThat(json(resolved).get("project").get("id").asString()).isEqualTo(id);
				assertThat(json(resolved).get("servedFromCache").asBoolean()).isTrue();
				assertThat(resolved.headers().firstValue("X-Served-From-Cache")).hasValue("true");
			}
			for (HttpResponse<String> response : List.of(
					http.get("/api/v1/resolutions?project=" + notCached.get("id").asString()),
					http.get("/api/v1/projects"),
					http.post("/api/v1/projects", "{\"name\": \"during the outage\"}"),
					http.post("/api/v1/resolutions",
							"{\"config\": {\"version\": \"1.0\", \"project\": {\"name\": \"auto during the outage\"}}}"),
					http.send("PATCH", "/api/v1/projects/" + id, "{\"description\": \"lost\"}",
							Map.of("If-Match", "\"" + cached.get("version").asLong() + "\"")))) {
				assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
				assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
				assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
				assertThat(json(response).get("type").asString())
					.isEqualTo("urn:project-registry:problem:database-unavailable");
				assertThat(response.body()).doesNotContain("Exception");
			}
			assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
			assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
			assertThat(http.get("/actuator/health/dependencies").statusCode()).isEqualTo(503);

			postgres = start(data, pgPort);

			await().atMost(DEADLINE).until(() -> http.get("/actuator/health/dependencies").statusCode() == 200);
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("registry.coherence.reconnects").counter().count()).isEqualTo(1);
			assertThat(projects.cacheUnconfirmed()).isFalse();
			// The listener cleared the cache when it reconnected: nothing is served from before the outage.
			assertThat(meters.get("cache.size").tags("cache", "projects").gauge().value()).isZero();
			HttpResponse<String> resolved = http.get("/api/v1/resolutions?project=" + id);
			assertThat(resolved.statusCode()).isEqualTo(200);
			assertThat(json(resolved).get("servedFromCache").asBoolean()).isFalse();
			assertThat(resolved.headers().firstValue("X-Served-From-Cache")).isEmpty();
			// Nothing was half-written during the outage, and writes work again.
			assertThat(http.get("/api/v1/projects/during%20the%20outage").statusCode()).isEqualTo(404);
			assertThat(http.get("/api/v1/projects/auto%20during%20the%20outage").statusCode()).isEqualTo(404);
			assertThat(json(http.get("/api/v1/projects/" + id)).get("description").isNull()).isTrue();
			assertThat(http.post("/api/v1/projects", "{\"name\": \"after the outage\"}").statusCode()).isEqualTo(201);
		}
		finally {
			postgres.close();
		}
	}

	/** A PostgreSQL whose data outlives it, so that it can be started again on the same port. */
	private static EmbeddedPostgres start(Path data, int port) throws IOException {
		return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
