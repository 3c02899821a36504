package io.codebase.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.codebase.registry.support.Http;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed {@code openapi.yaml} is what the running service serves, and documents every operation,
 * parameter and schema. After an intended API change, regenerate it with
 * {@code ./mvnw -B verify -Dopenapi.update=true} and review the diff.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiDocumentTest {

	private static final Path COMMITTED = Path.of("openapi.yaml");

	@LocalServerPort
	int port;

	@Test
	void committedDocumentEqualsTheServedOne() throws IOException {
		var response = new Http(this.port).get("/v3/api-docs.yaml");
		assertThat(response.statusCode()).isEqualTo(200);
		String served = response.body();
		if (Boolean.getBoolean("openapi.update")) {
			Files.writeString(COMMITTED, served, StandardCharsets.UTF_8);
		}
		assertThat(COMMITTED).as("openapi.yaml is missing; run ./mvnw -B verify -Dopenapi.update=true").exists();
		Object committed = new Yaml().load(Files.readString(COMMITTED, StandardCharsets.UTF_8));
		assertThat(committed)
			.as("openapi.yaml differs from the served document; run ./mvnw -B verify -Dopenapi.update=true and review the diff")
			.isEqualTo(new Yaml().load(served));
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyOperationParameterAndSchemaIsDescribedWithAnExample() throws IOException {
		Map<String, Object> document = new Yaml().load(new Http(this.port).get("/v3/api-docs.yaml").body());
		List<String> missing = new ArrayList<>();
		Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
		paths.forEach((path, operations) -> operations.forEach((method, value) -> {
			Map<String, Object> operation = (Map<String, Object>) value;
			String where = method.toUpperCase() + " " + path;
			requireText(operation, "summary", where, missing);
			requireText(operation, "description", where, missing);
			for (Map<String, Object> parameter : (List<Map<String, Object>>) operation.getOrDefault("parameters", List.of())) {
				requireText(parameter, "description", where + " parameter " + parameter.get("name"), missing);
				if (!parameter.containsKey("example") && !((Map<String, Object>) parameter.get("schema")).containsKey("example")
						&& !((Map<String, Object>) parameter.get("schema")).containsKey("default")) {
					missing.add(where + " parameter " + parameter.get("name") + ": example");
				}
			}
			((Map<String, Map<String, Object>>) operation.get("responses")).forEach((status, response) ->
				requireText(response, "description", where + " response " + status, missing));
		}));
		Map<String, Map<String, Object>> schemas = (Map<String, Map<String, Object>>) ((Map<String, Object>) document
			.get("components")).get("schemas");
		schemas.forEach((name, schema) -> {
			requireText(schema, "description", "schema " + name, missing);
			if (!schema.containsKey("example")) {
				missing.add("schema " + name + ": example");
			}
		});
		assertThat(missing).isEmpty();
	}

	private static void requireText(Map<String, Object> node, String key, String where, List<String> missing) {
		if (!(node.get(key) instanceof String text) || text.isBlank()) {
			missing.add(where + ": " + key);
		}
	}

}
