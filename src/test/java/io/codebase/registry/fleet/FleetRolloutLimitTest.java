package io.codebase.registry.fleet;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.MigrationSampler;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A schema rollout's per-server limit on a fleet of two servers: with parallelism 4 and at most one migration per
 * server, pg_stat_activity sampled on both servers never shows more than one migrating project database on either,
 * and does show both at work at once: the limit is per server, not a cap on the whole rollout.
 */
class FleetRolloutLimitTest {

	private static final int PROJECTS_PER_SERVER = 5;

	@Test
	void noServerRunsMoreMigrationsAtOnceThanTheLimitWhileTheServersWorkSideBySide() throws Exception {
		Path migrations = Files.createTempDirectory("fleet-rollout");
		// Most of each migration is one statement that runs for a while, so that migrations running on both servers
		// at once are seen doing so (Flyway's own round trips, before and after, are short and idle).
		Files.writeString(migrations.resolve("V2__slow_change.sql"),
				"SELECT pg_sleep(1.5);\nCREATE TABLE fleet_rollout_change (id int);\n");
		try (TestFleet fleet = new TestFleet("a", "b")) {
			Map<String, Object> properties = new HashMap<>();
			List<String> servers = List.of("a", "b");
			for (int i = 0; i < servers.size(); i++) {
				properties.put("registry.fleet.servers[" + i + "].name", servers.get(i));
				properties.put("registry.fleet.servers[" + i + "].url", fleet.server(servers.get(i)).url());
				properties.put("registry.fleet.servers[" + i + "].username", "postgres");
			}
			properties.put("registry.provisioning.schema.locations",
					"classpath:project-db/migration,filesystem:" + migrations);
			Http registry = fleet.replica(TestFleet.newRegistry(), properties);

			List<String> names = new ArrayList<>();
			List<String> databases = new ArrayList<>();
			for (int i = 0; i < 2 * PROJECTS_PER_SERVER; i++) {
				String name = "limited " + i;
				JsonNode project = Http.json(registry.post("/api/v1/projects", "{\"name\": \"" + name
						+ "\", \"placement\": {\"server\": \"" + servers.get(i % 2) + "\"}}"));
				assertThat(project.get("state").asString()).isEqualTo("READY");
				names.add("\"" + name + "\"");
				databases.add(project.get("databaseName").asString());
			}
			List<MigrationSampler.Server> sampled = servers.stream()
				.map(name -> new MigrationSampler.Server(name,
						() -> DriverManager.getConnection(fleet.server(name).url(), "postgres", "")))
				.toList();
			MigrationSampler sampler = new MigrationSampler(sampled, databases);
			try (sampler) {
				HttpResponse<String> started = registry.post("/api/v1/schema-rollouts", "{\"projects\": ["
						+ String.join(", ", names) + "], \"parallelism\": 4, \"maxPerServer\": 1}");
				assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
				String location = started.headers().firstValue("Location").orElseThrow();
				await().atMost(Duration.ofMinutes(2))
					.until(() -> Http.json(registry.get(location)).get("state").asString().equals("COMPLETED"));
			}
			assertThat(sampler.most("a")).as("most migrations at once on server a: " + sampler.peak("a")).isEqualTo(1);
			assertThat(sampler.most("b")).as("most migrations at once on server b: " + sampler.peak("b")).isEqualTo(1);
			assertThat(sampler.mostAtOnce()).as("most migrations at once on both servers").isEqualTo(2);
		}
	}

}
