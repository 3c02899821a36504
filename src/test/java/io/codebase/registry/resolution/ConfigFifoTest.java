package io.codebase.registry.resolution;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestWorkspace;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.resolution.Fifos.mkfifo;
import static io.codebase.registry.resolution.Fifos.release;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A client can put a FIFO where its config file is, or swap one in at any moment: opening it for reading would
 * block until someone writes to it. Every read of a config file answers promptly anyway, with a clear problem.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConfigFifoTest {

	private static final Duration PROMPTLY = Duration.ofSeconds(5);

	@LocalServerPort
	int port;

	@Autowired
	ConfigReader reader;

	@Autowired
	ConfigWriteBack writeBack;

	@Test
	void aFifoAsTheConfigFileIsA422NamingIt() throws Exception {
		Path directory = TestWorkspace.newDirectory("fifo");
		Path config = mkfifo(Files.createDirectories(directory.resolve(".codebase-mcp")).resolve("config.json"));
		try {
			String session = "fifo-" + UUID.randomUUID();
			assertThat(new Http(this.port).send("PUT", "/api/v1/sessions/" + session,
					"{\"workingDirectory\": \"" + directory + "\"}", Map.of()).statusCode()).isEqualTo(200);

			// The client's own timeout, so that a regression fails here instead of hanging the build.
			HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
				.newBuilder(URI.create("http://localhost:" + this.port + "/api/v1/resolutions?session=" + session))
				.timeout(PROMPTLY)
				.build(), HttpResponse.BodyHandlers.ofString());

			JsonNode problem = assertProblem(response, 422, "invalid-project-config");
			assertThat(problem.get("file").asString()).isEqualTo(config.toString());
			assertThat(problem.get("detail").asString()).contains("not a regular file");
			assertThat(response.headers().firstValue("X-Resolution-Tier")).hasValue("SESSION_CONFIG");
		}
		finally {
			release(config);
		}
	}

	@Test
	void aFifoSwappedInAfterTheSearchIsRefusedPromptly() throws Exception {
		Path config = TestWorkspace.writeConfig(TestWorkspace.newDirectory("fifo-read"), "{\"project\": {\"name\": \"x\"}}");
		swapForFifo(config);
		try {
			assertTimeoutPreemptively(PROMPTLY, () -> assertThatThrownBy(() -> this.reader.read(config))
				.isInstanceOf(InvalidConfigException.class)
				.hasMessageContaining(config.toString())
				.hasMessageContaining("not a regular file"));
		}
		finally {
			release(config);
		}
	}

	@Test
	void aFifoSwappedInBeforeTheWriteBackIsLeftAloneAndTheAnswerIsPrompt() throws Exception {
		Path config = TestWorkspace.writeConfig(TestWorkspace.newDirectory("fifo-write"),
				"{\"project\": {\"name\": \"fifo " + UUID.randomUUID().toString().substring(0, 8) + "\"}}");
		ProjectConfig read = this.reader.read(config);
		swapForFifo(config);
		try {
			String outcome = assertTimeoutPreemptively(PROMPTLY, () -> this.writeBack.writeBackId(read, UUID.randomUUID()));

			assertThat(outcome).isEqualTo("project id not written back: " + config + " cannot be read: not a regular file");
			assertThat(Files.isRegularFile(config)).isFalse();
			try (var files = Files.list(config.getParent())) {
				assertThat(files).containsExactly(config);
			}
		}
		finally {
			release(config);
		}
	}

	private static void swapForFifo(Path file) throws Exception {
		Path fifo = mkfifo(file.resolveSibling("swap.fifo"));
		Files.move(fifo, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

}
