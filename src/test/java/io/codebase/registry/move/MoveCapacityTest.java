package io.codebase.registry.move;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.codebase.registry.fleet.TestFleet;
import io.codebase.registry.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A move reserves its place on the target from the moment it is accepted: two replicas starting moves at once never
 * push a server past its capacity, in projects or in bytes, and a finished move stops reserving (its project counts
 * instead). Three real PostgreSQL servers: {@code a} holds the projects, {@code b} takes 2 projects, {@code c} takes
 * 12 MB, the size of one small project database (an empty one is about 8 MB).
 */
class MoveCapacityTest {

	private static final Duration DEADLINE = Duration.ofSeconds(90);

	private static TestFleet fleet;

	private static Http first;

	private static Http second;

	@BeforeAll
	static void startFleet() throws Exception {
		fleet = new TestFleet("a", "b", "c");
		Map<String, Object> properties = new HashMap<>();
		properties.put("registry.provisioning.database-prefix", "mc_");
		properties.put("registry.fleet.reserve", "0");
		properties.put("registry.moves.resume-interval", "1s");
		List<String> names = List.of("a", "b", "c");
		for (int i = 0; i < names.size(); i++) {
			properties.put("registry.fleet.servers[" + i + "].name", names.get(i));
			properties.put("registry.fleet.servers[" + i + "].url", fleet.server(names.get(i)).url());
			properties.put("registry.fleet.servers[" + i + "].username", "postgres");
		}
		properties.put("registry.fleet.servers[1].capacity.projects", "2");
		properties.put("registry.fleet.servers[2].capacity.size", "12MB");
		String registry = TestFleet.newRegistry();
		first = fleet.replica(registry, properties);
		second = fleet.replica(registry, properties);
	}

	@AfterAll
	static void stopFleet() throws Exception {
		if (fleet != null) {
			fleet.close();
		}
	}

	@Test
	void concurrentMovesNeverOverfillTheirTarget() throws Exception {
		create("resident", "b");
		for (String name : List.of("first", "second", "third", "fourth")) {
			create(name, "a");
		}
		assertThat(projectsOn("b")).isEqualTo(1);

		// b has room for one more project: of two replicas moving one there at once, one gets it.
		List<HttpResponse<String>> toB = atOnce("/api/v1/projects/first/moves", "/api/v1/projects/second/moves",
				"{\"target\": \"b\"}");
		JsonNode accepted = acceptedOne(toB, "full: 2 of 2 projects");
		assertThat(accepted.get("target").asString()).isEqualTo("b");
		String loser = accepted.get("projectName").asString().equals("first") ? "second" : "first";
		assertThat(awaitSucceeded(accepted)).isNotNull();
		assertThat(projectsOn("b")).isEqualTo(2);

		// A move that succeeded reserves nothing more: once a project leaves b, the other one fits.
		assertThat(first.send("DELETE", "/api/v1/projects/resident", null, Map.of()).statusCode()).isEqualTo(204);
		HttpResponse<String> retried = second.post("/api/v1/projects/" + loser + "/moves", "{\"target\": \"b\"}");
		assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
		awaitSucceeded(Http.json(retried));

		// Without a target, placement skips b (full) and chooses c, whose 12 MB take one database, not two.
		List<HttpResponse<String>> anywhere = atOnce("/api/v1/projects/third/moves", "/api/v1/projects/fourth/moves",
				"{}");
		JsonNode toC = acceptedOne(anywhere, "bytes");
		assertThat(toC.get("target").asString()).isEqualTo("c");
		awaitSucceeded(toC);
		assertThat(projectsOn("b")).isEqualTo(2);
		assertThat(projectsOn("c")).isEqualTo(1);
	}

	private static void create(String name, String server) {
		HttpResponse<String> created = first.post("/api/v1/projects",
				"{\"name\": \"" + name + "\", \"placement\": {\"server\": \"" + server + "\"}}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
	}

	/** Sends the two moves together, one through each replica. */
	private static List<HttpResponse<String>> atOnce(String one, String other, String body) throws Exception {
		ExecutorService callers = Executors.newFixedThreadPool(2);
		CyclicBarrier together = new CyclicBarrier(2);
		try {
			List<Future<HttpResponse<String>>> answers = new ArrayList<>();
			answers.add(callers.submit(() -> {
				together.await();
				return first.post(one, body);
			}));
			answers.add(callers.submit(() -> {
				together.await();
				return second.post(other, body);
			}));
			List<HttpResponse<String>> responses = new ArrayList<>();
			for (Future<HttpResponse<String>> answer : answers) {
				responses.add(answer.get(60, TimeUnit.SECONDS));
			}
			return responses;
		}
		finally {
			callers.shutdownNow();
		}
	}

	/** One move was accepted, the other refused for want of room (the detail says which); the accepted one. */
	private static JsonNode acceptedOne(List<HttpResponse<String>> responses, String why) {
		assertThat(responses).extracting(HttpResponse::statusCode).as(responses.get(0).body() + "\n" + responses.get(1).body())
			.containsExactlyInAnyOrder(202, 409);
		HttpResponse<String> refused = responses.stream().filter(each -> each.statusCode() == 409).findFirst().orElseThrow();
		assertThat(Http.json(refused).get("type").asString()).isEqualTo("urn:project-registry:problem:move-no-target");
		assertThat(Http.json(refused).get("detail").asString()).contains(why).contains("reserved by moves");
		return Http.json(responses.stream().filter(each -> each.statusCode() == 202).findFirst().orElseThrow());
	}

	private static JsonNode awaitSucceeded(JsonNode move) {
		JsonNode finished = await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
			.until(() -> Http.json(first.get("/api/v1/moves/" + move.get("id").asString())),
					each -> each.get("state").asString().matches("SUCCEEDED|FAILED"));
		assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("SUCCEEDED");
		return finished;
	}

	private static long projectsOn(String server) {
		return Http.json(first.get("/api/v1/database-servers/" + server)).get("usage").get("projects").asLong();
	}

}
