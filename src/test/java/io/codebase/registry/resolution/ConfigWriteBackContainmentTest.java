package io.codebase.registry.resolution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestWorkspace;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The id write-back only ever replaces the config file that was found (its real path, under an allowed root). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConfigWriteBackContainmentTest {

	@LocalServerPort
	int port;

	@Test
	void aConfigLinkedToAFileOutsideTheRootsIsRefusedAndTheFileUntouched() throws Exception {
		Path outside = Files.createTempFile("outside-config-", ".json");
		String original = "{\"project\": {\"name\": \"escape-" + suffix() + "\"}}";
		Files.writeString(outside, original);
		Path directory = TestWorkspace.newDirectory("escape");
		Path link = Files.createDirectories(directory.resolve(".codebase-mcp")).resolve("config.json");
		Files.createSymbolicLink(link, outside);

		assertProblem(resolveIn(directory), 422, "invalid-project-config");

		assertThat(Files.readString(outside)).isEqualTo(original);
		assertThat(Files.list(outside.getParent()).filter(file -> file.getFileName().toString().startsWith(".config-")))
			.isEmpty();
		Files.delete(outside);
	}

	@Test
	void aConfigLinkedInsideTheRootsIsWrittenAtItsTargetAndNothingElseChanges() throws Exception {
		Path target = TestWorkspace.newDirectory("target");
		Path real = TestWorkspace.writeConfig(target, "{\"project\": {\"name\": \"linked-" + suffix() + "\"}}");
		Path directory = TestWorkspace.newDirectory("linking");
		Path link = Files.createDirectories(directory.resolve(".codebase-mcp")).resolve("config.json");
		Files.createSymbolicLink(link, real);

		assertThat(resolveIn(directory).statusCode()).isEqualTo(200);

		assertThat(Files.isSymbolicLink(link)).isTrue();
		assertThat(Files.readString(real)).contains("\"id\"");
		try (var files = Files.list(real.getParent())) {
			assertThat(files).containsExactly(real);
		}
		try (var files = Files.list(link.getParent())) {
			assertThat(files).containsExactly(link);
		}
	}

	private java.net.http.HttpResponse<String> resolveIn(Path directory) {
		Http http = new Http(this.port);
		String session = "containment-" + suffix();
		assertThat(http.send("PUT", "/api/v1/sessions/" + session, "{\"workingDirectory\": \"" + directory + "\"}", Map.of())
			.statusCode()).isEqualTo(200);
		return http.get("/api/v1/resolutions?session=" + session);
	}

	private static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
