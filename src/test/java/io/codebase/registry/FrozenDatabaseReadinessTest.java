package io.codebase.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL frozen (every one of its processes SIGSTOPped: it accepts nothing and answers nothing, like a server
 * behind a network black hole): the health group dependencies still answers, DOWN, within about two seconds, and
 * UP again once the server thaws; readiness, which leaves the database out, stays UP. Runs its own PostgreSQL, so as not to freeze the one every other test uses.
 */
class FrozenDatabaseReadinessTest {

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	@Test
	void readinessAnswersDownWithinTheBoundWhilePostgreSqlIsFrozen(@TempDir Path data) throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data).start();
				ConfigurableApplicationContext app = new SpringApplicationBuilder(ProjectRegistryApplication.class)
					.properties("spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
							"spring.datasource.username=postgres")
					.run("--server.port=0")) {
			String base = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort();
			URI dependencies = URI.create(base + "/actuator/health/dependencies");
			URI readiness = URI.create(base + "/actuator/health/readiness");
			assertThat(probe(dependencies).statusCode()).isEqualTo(200);

			List<String> processes = freeze(data);
			try {
				for (int probe = 0; probe < 3; probe++) {
					long started = System.nanoTime();
					HttpResponse<String> answer = probe(dependencies);
					Duration took = Duration.ofNanos(System.nanoTime() - started);
					assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
					assertThat(took).as("dependencies answered in " + took).isLessThan(Duration.ofSeconds(4));
				}
				assertThat(probe(readiness).statusCode()).isEqualTo(200);
			}
			finally {
				thaw(processes);
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> probe(dependencies).statusCode() == 200);
		}
	}

	/**
	 * Stops the postmaster (first line of postmaster.pid) first, so that it forks no new backend, then its children;
	 * returns them all. A child that exits meanwhile (a session ending, such as a template build's) is left out.
	 */
	private static List<String> freeze(Path data) throws IOException, InterruptedException {
		String postmaster = Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim();
		signal("STOP", List.of(postmaster));
		Process children = new ProcessBuilder("pgrep", "-P", postmaster).start();
		List<String> processes = new ArrayList<>(List.of(postmaster));
		for (String child : new String(children.getInputStream().readAllBytes()).lines().map(String::trim).toList()) {
			if (new ProcessBuilder("kill", "-STOP", child).start().waitFor() == 0) {
				processes.add(child);
			}
		}
		children.waitFor();
		return processes;
	}

	/**
	 * Continues the children first, then the postmaster (the first entry): a child that ended while stopped stays a
	 * zombie only until the running postmaster reaps it, so continuing the postmaster first could make a later
	 * {@code kill} miss it. A child gone anyway (ended before it was stopped) is no failure; the postmaster must be
	 * there.
	 */
	private static void thaw(List<String> processes) throws IOException, InterruptedException {
		for (String child : processes.subList(1, processes.size())) {
			new ProcessBuilder("kill", "-CONT", child).start().waitFor();
		}
		signal("CONT", List.of(processes.get(0)));
	}

	private static void signal(String signal, List<String> processes) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
		command.addAll(processes);
		assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
	}

	private static HttpResponse<String> probe(URI uri) throws IOException, InterruptedException {
		return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
