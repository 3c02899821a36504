package io.codebase.registry;

import java.net.http.HttpResponse;
import java.util.List;

import io.codebase.registry.support.Http;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL stops under a running service: 503 problems with Retry-After, readiness DOWN, liveness UP. */
class DatabaseUnavailableTest {

	@Test
	void anUnreachableDatabaseIsA503AndTakesTheServiceOutOfReadiness() throws Exception {
		EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ProjectRegistryApplication.class)
			.properties("spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
					"spring.datasource.username=postgres", "spring.datasource.hikari.connection-timeout=1000")
			.run("--server.port=0")) {
			Http http = new Http(((WebServerApplicationContext) app).getWebServer().getPort());
			assertThat(http.post("/api/v1/projects", "{\"name\": \"before the outage\"}").statusCode()).isEqualTo(201);
			assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);

			postgres.close();

			for (HttpResponse<String> response : List.of(http.get("/api/v1/projects"),
					http.post("/api/v1/projects", "{\"name\": \"during the outage\"}"))) {
				assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
				assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
				assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
				assertThat(json(response).get("type").asString())
					.isEqualTo("urn:project-registry:problem:database-unavailable");
				assertThat(response.body()).doesNotContain("Exception");
			}
			assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(503);
			assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		}
		finally {
			postgres.close();
		}
	}

}
