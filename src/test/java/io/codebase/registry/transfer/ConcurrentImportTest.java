package io.codebase.registry.transfer;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.codebase.registry.ProjectRegistryApplication;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same file imported on two replicas at once: both succeed, whichever registers an entry first, and the
 * registry ends with each project once (before, the slower side answered 409 project-name-taken midway).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConcurrentImportTest {

	private static final int ENTRIES = 8;

	@LocalServerPort
	int port;

	@Test
	void anIdenticalImportOnTwoReplicasAtOnceSucceedsOnBoth() throws Exception {
		String prefix = "twin import " + UUID.randomUUID().toString().substring(0, 8);
		ObjectNode file = JsonMapper.builder().build().createObjectNode()
			.put("format", ImportFiles.EXPORT)
			.put("version", "1");
		ArrayNode projects = file.putArray("projects");
		for (int i = 0; i < ENTRIES; i++) {
			projects.addObject().put("id", UUID.randomUUID().toString()).put("name", prefix + " " + i)
				.put("indexStatus", "NOT_INDEXED");
		}
		try (ConfigurableApplicationContext replicaB = new SpringApplicationBuilder(ProjectRegistryApplication.class)
			.properties(TestDatabase.get().properties())
			.run("--server.port=0")) {
			Http a = new Http(this.port);
			Http b = new Http(((WebServerApplicationContext) replicaB).getWebServer().getPort());
			List<CompletableFuture<HttpResponse<String>>> imports = List.of(
					CompletableFuture.supplyAsync(() -> a.post("/api/v1/imports", file.toString())),
					CompletableFuture.supplyAsync(() -> b.post("/api/v1/imports", file.toString())));
			for (CompletableFuture<HttpResponse<String>> answer : imports) {
				assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
			}
		}
		assertThat(TestDatabase.get().count("SELECT count(*) FROM projects WHERE starts_with(name, ?) AND state = 'READY'",
				prefix)).isEqualTo(ENTRIES);
	}

}
