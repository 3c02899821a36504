package io.codebase.registry.move;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.codebase.registry.fleet.TestFleet;
import io.codebase.registry.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Draining a server of a real three-server fleet moves every project off it, two at a time, and leaves it empty
 * with every project READY elsewhere; a rebalance then brings the emptied server back into the spread.
 */
class DrainAndRebalanceTest {

	private static final Duration DEADLINE = Duration.ofMinutes(3);

	private static final int PROJECTS = 8;

	private static TestFleet fleet;

	private static Http registry;

	@BeforeAll
	static void startFleet() throws Exception {
		fleet = new TestFleet("x", "y", "z");
		Map<String, Object> properties = new HashMap<>();
		properties.put("registry.provisioning.database-prefix", "dr_");
		properties.put("registry.moves.resume-interval", "1s");
		List<String> names = List.of("x", "y", "z");
		for (int i = 0; i < names.size(); i++) {
			properties.put("registry.fleet.servers[" + i + "].name", names.get(i));
			properties.put("registry.fleet.servers[" + i + "].url", fleet.server(names.get(i)).url());
			properties.put("registry.fleet.servers[" + i + "].username", "postgres");
		}
		registry = fleet.replica(TestFleet.newRegistry(), properties);
	}

	@AfterAll
	static void stopFleet() throws Exception {
		if (fleet != null) {
			fleet.close();
		}
	}

	@Test
	void aDrainEmptiesTheServerAndARebalanceFillsItAgain() {
		for (int i = 0; i < PROJECTS; i++) {
			HttpResponse<String> created = registry.post("/api/v1/projects",
					"{\"name\": \"drained " + i + "\", \"placement\": {\"server\": \"x\"}}");
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		}
		assertThat(registry.post("/api/v1/database-servers/nowhere/drain", null).statusCode()).isEqualTo(404);

		HttpResponse<String> started = registry.post("/api/v1/database-servers/x/drain", null);

		assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
		assertThat(Http.json(started).get("parallelism").asInt()).isEqualTo(2);
		assertThat(Http.json(started).get("moving").asLong()).isEqualTo(2);
		JsonNode server = await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
			.until(() -> Http.json(registry.get("/api/v1/database-servers/x")), x -> {
				JsonNode drain = x.get("drain");
				assertThat(drain.get("moving").asLong()).isLessThanOrEqualTo(2);
				return !drain.get("state").asString().equals("RUNNING");
			});
		System.out.println("[DrainAndRebalanceTest] drained: " + server);
		assertThat(server.get("state").asString()).isEqualTo("CORDONED");
		assertThat(server.get("drain").get("state").asString()).isEqualTo("COMPLETED");
		assertThat(server.get("drain").get("moved").asLong()).isGreaterThanOrEqualTo(PROJECTS);
		assertThat(server.get("drain").get("failed").asLong()).isZero();
		assertThat(server.get("usage").get("projects").asLong()).isZero();
		for (int i = 0; i < PROJECTS; i++) {
			JsonNode project = Http.json(registry.get("/api/v1/projects/drained%20" + i));
			assertThat(project.get("state").asString()).isEqualTo("READY");
			assertThat(project.get("server").asString()).isIn("y", "z");
		}

		assertThat(registry.post("/api/v1/database-servers/x/uncordon", null).statusCode()).isEqualTo(200);
		HttpResponse<String> rebalanced = registry.post("/api/v1/database-servers/rebalance", null);

		assertThat(rebalanced.statusCode()).as(rebalanced.body()).isEqualTo(202);
		JsonNode moves = Http.json(rebalanced).get("moves");
		assertThat(moves.size()).isPositive();
		moves.forEach(move -> assertThat(move.get("target").asString()).isEqualTo("x"));
		for (JsonNode move : moves) {
			await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
				.until(() -> Http.json(registry.get("/api/v1/moves/" + move.get("id").asString())).get("state").asString(),
						"SUCCEEDED"::equals);
		}
		Map<String, Long> projects = new HashMap<>();
		Http.json(registry.get("/api/v1/database-servers"))
			.forEach(each -> projects.put(each.get("name").asString(), each.get("usage").get("projects").asLong()));
		double mean = projects.values().stream().mapToLong(Long::longValue).sum() / 3.0;
		System.out.println("[DrainAndRebalanceTest] rebalanced: " + projects);
		projects.values().forEach(count -> assertThat(count.doubleValue()).isLessThanOrEqualTo(mean * 1.2 + 1));
		assertThat(Http.json(registry.post("/api/v1/database-servers/rebalance", null)).get("moves")).isEmpty();
	}

}
