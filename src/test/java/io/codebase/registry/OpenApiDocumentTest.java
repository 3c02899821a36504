package io.codebase.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

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
		Map<String, Object> document = served();
		List<String> missing = new ArrayList<>();
		operations(document).forEach((where, operation) -> {
			requireText(operation, "summary", where, missing);
			requireText(operation, "description", where, missing);
			for (Map<String, Object> parameter : parameters(operation)) {
				requireText(parameter, "description", where + " parameter " + parameter.get("name"), missing);
			}
			((Map<String, Map<String, Object>>) operation.get("responses")).forEach((status, response) ->
				requireText(response, "description", where + " response " + status, missing));
		});
		schemas(document).forEach((name, schema) -> {
			requireText(schema, "description", "schema " + name, missing);
			if (!schema.containsKey("example")) {
				missing.add("schema " + name + ": example");
			}
		});
		assertThat(missing).isEmpty();
	}

	/**
	 * Swagger UI puts a parameter's example (or its first of examples) into the form as its value, so an optional
	 * parameter with one changes what "Try it out" sends. Only path parameters, which a user must fill in anyway,
	 * carry one; the others have their default or nothing.
	 */
	@Test
	void onlyPathParametersHaveExamplesSoTheFormSendsWhatTheUserTyped() throws IOException {
		List<String> wrong = new ArrayList<>();
		operations(served()).forEach((where, operation) -> {
			for (Map<String, Object> parameter : parameters(operation)) {
				boolean hasExample = parameter.containsKey("example") || parameter.containsKey("examples")
						|| schema(parameter).containsKey("example") || schema(parameter).containsKey("examples");
				if (hasExample != "path".equals(parameter.get("in"))) {
					wrong.add(where + " " + parameter.get("in") + " parameter " + parameter.get("name"));
				}
			}
		});
		assertThat(wrong).isEmpty();
	}

	/** Every operation on one project names it with the same {project} parameter: one path template per resource. */
	@Test
	void noTwoPathsAreTheSameTemplateAndEveryProjectPathTakesProject() throws IOException {
		Map<String, Object> paths = paths(served());
		Map<String, String> templates = new HashMap<>();
		for (String path : paths.keySet()) {
			assertThat(templates.put(path.replaceAll("\\{[^}]*}", "{}"), path)).as(path).isNull();
			if (path.startsWith("/api/v1/projects/")) {
				assertThat(path).startsWith("/api/v1/projects/{project}");
			}
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void theServerIsRelativeAndAnonymousCallersAreAnAlternative() throws IOException {
		Map<String, Object> document = served();
		assertThat((List<Map<String, Object>>) document.get("servers")).extracting(server -> server.get("url"))
			.containsExactly("/");
		assertThat((List<Map<String, Object>>) document.get("security")).contains(Map.of());
		// The root document is for anyone: no key, no 401.
		for (String path : List.of("/", "/api/v1")) {
			Map<String, Object> get = (Map<String, Object>) ((Map<String, Object>) paths(document).get(path)).get("get");
			assertThat((List<Object>) get.get("security")).as(path).isEmpty();
			assertThat((Map<String, Object>) get.get("responses")).as(path).doesNotContainKey("401");
		}
	}

	/** Descriptions are Markdown: a <word> outside a code span is swallowed as HTML ("Bearer <key>" showed "Bearer"). */
	@Test
	void noDescriptionHoldsTextThatMarkdownTakesForHtml() throws IOException {
		List<String> swallowed = new ArrayList<>();
		descriptions(served(), "", swallowed);
		assertThat(swallowed).isEmpty();
	}

	@Test
	@SuppressWarnings("unchecked")
	void tagsComeInTheOrderAUserMeetsThem() throws IOException {
		assertThat((List<Map<String, Object>>) served().get("tags")).extracting(tag -> tag.get("name")).containsExactly(
				"Projects", "Credentials", "Resolutions", "Sessions", "Import and export", "Reconciliation", "Schema rollouts",
				"Database servers", "Moves", "Service");
	}

	/**
	 * 400 (a malformed path, query or header) and 406 (Accept) can answer any operation, 415 any that reads a body;
	 * every problem response shows an example of its own status, a 404 one of what its path names; 304 has no body.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void everyStatusTheServiceAnswersIsDeclaredWithAFittingExample() throws IOException {
		Map<String, Object> document = served();
		Map<String, Map<String, Object>> shared = (Map<String, Map<String, Object>>) ((Map<String, Object>) document
			.get("components")).get("examples");
		List<String> wrong = new ArrayList<>();
		operations(document).forEach((where, operation) -> {
			Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) operation.get("responses");
			List<String> expected = new ArrayList<>(List.of("400", "406"));
			if (operation.containsKey("requestBody")) {
				expected.add("415");
			}
			for (String status : expected) {
				if (!responses.containsKey(status)) {
					wrong.add(where + " does not declare " + status);
				}
			}
			responses.forEach((status, response) -> {
				Map<String, Object> content = (Map<String, Object>) response.get("content");
				if (status.equals("304") && content != null) {
					wrong.add(where + " 304 has a body");
				}
				Map<String, Object> problem = (content != null) ? (Map<String, Object>) content.get("application/problem+json") : null;
				if (problem == null) {
					return;
				}
				Map<String, Object> example = (Map<String, Object>) problem.get("example");
				if (problem.get("examples") instanceof Map<?, ?> examples && examples.size() == 1) {
					String reference = (String) ((Map<String, Object>) examples.values().iterator().next()).get("$ref");
					example = (Map<String, Object>) shared.get(reference.substring(reference.lastIndexOf('/') + 1)).get("value");
				}
				if (example == null || !String.valueOf(example.get("status")).equals(status)) {
					wrong.add(where + " " + status + " example " + example);
				}
				else if (status.equals("404") && !String.valueOf(example.get("type")).endsWith(notFoundKind(where))) {
					wrong.add(where + " 404 example " + example.get("type"));
				}
			});
		});
		assertThat(wrong).isEmpty();
	}

	/**
	 * Response schemas list the properties always present as required (generated clients make the others
	 * optional); the few left out are absent in some answers, and say so.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void responseSchemasRequireEveryPropertyThatIsAlwaysPresent() throws IOException {
		Map<String, Object> document = served();
		Set<String> optional = Set.of("Resolution.trace", "ImportReport.activeProject", "Problem.instance",
				"Problem.errors", "Link.title", "Project.placement", "ProjectPage.totalElements", "ProjectPage.totalPages",
				"ProjectPage.page", "Resolution.credentials", "SchemaRollout.failureBudget", "SchemaRolloutBudget.count",
				"SchemaRolloutBudget.percent", "SchemaRolloutItem.durationMs", "Project.movingSince", "Move.progress", "Move.freezeMillis",
				"DatabaseServer.drain");
		Set<String> requests = Set.of("CreateProjectRequest", "IndexReport", "ReindexRequest", "ResolutionRequest",
				"RolloutRequest", "SchemaRolloutCanary", "SchemaRolloutFailureBudget", "WorkingDirectory", "ActiveProject",
				"PlacementRequest", "CredentialRequest", "MoveRequest");
		List<String> wrong = new ArrayList<>();
		schemas(document).forEach((name, schema) -> {
			if (requests.contains(name)) {
				return;
			}
			List<String> required = (List<String>) schema.getOrDefault("required", List.of());
			for (String property : ((Map<String, Object>) schema.getOrDefault("properties", Map.of())).keySet()) {
				if (required.contains(property) == optional.contains(name + "." + property)) {
					wrong.add(name + "." + property);
				}
			}
		});
		assertThat(wrong).isEmpty();
		assertThat(schemas(document).keySet()).containsAll(requests);
	}

	/** The import report's activeProject is what an import answers, not the session request body of the same name. */
	@Test
	@SuppressWarnings("unchecked")
	void theImportReportDescribesTheActiveProjectItReturns() throws IOException {
		Map<String, Map<String, Object>> schemas = schemas(served());
		String reference = (String) ((Map<String, Object>) ((Map<String, Object>) schemas.get("ImportReport")
			.get("properties")).get("activeProject")).get("$ref");
		Map<String, Object> activeProject = schemas.get(reference.substring(reference.lastIndexOf('/') + 1));
		assertThat((Map<String, Object>) activeProject.get("properties")).containsOnlyKeys("id", "name", "session");
		assertThat((List<String>) activeProject.get("required")).containsExactlyInAnyOrder("id", "name", "session");
	}

	/** Patterns are anchored and in the syntax ECMAScript shares with Java (JavaScript tools throw on \p{Cntrl}). */
	@Test
	@SuppressWarnings("unchecked")
	void patternsArePortableAndAnchored() throws IOException {
		Map<String, Object> properties = (Map<String, Object>) schemas(served()).get("CreateProjectRequest").get("properties");
		List<String> patterns = properties.values().stream().map(property -> (Map<String, Object>) property)
			.filter(property -> property.containsKey("pattern")).map(property -> (String) property.get("pattern")).toList();
		assertThat(patterns).hasSize(2).allSatisfy(pattern -> assertThat(pattern).startsWith("^").endsWith("$")
			.doesNotContain("\\p{", "\\P{", "(?"));
		String sourcePath = (String) ((Map<String, Object>) properties.get("sourcePath")).get("pattern");
		assertThat(Pattern.compile(sourcePath).matcher("/srv/payments ünïcode").matches()).isTrue();
		assertThat(Pattern.compile(sourcePath).matcher("/srv/a\u0001b").find()).isFalse();
		assertThat(Pattern.compile(sourcePath).matcher("/srv/a\u007Fb").find()).isFalse();
	}

	private static String notFoundKind(String where) {
		String path = where.substring(where.indexOf(' ') + 1);
		return path.startsWith("/api/v1/sessions/") ? "session-not-found"
				: path.matches("/api/v1/projects/[^/]+/credentials/.+") ? "credential-not-found"
				: path.startsWith("/api/v1/schema-rollouts/") ? "schema-rollout-not-found"
				: path.startsWith("/api/v1/moves/") ? "move-not-found" : "project-not-found";
	}

	private Map<String, Object> served() throws IOException {
		var response = new Http(this.port).get("/v3/api-docs.yaml");
		assertThat(response.statusCode()).isEqualTo(200);
		return new Yaml().load(response.body());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> paths(Map<String, Object> document) {
		return (Map<String, Object>) document.get("paths");
	}

	/** Every operation, by "METHOD /path". */
	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> operations(Map<String, Object> document) {
		Map<String, Map<String, Object>> operations = new LinkedHashMap<>();
		paths(document).forEach((path, methods) -> ((Map<String, Object>) methods).forEach((method, operation) ->
			operations.put(method.toUpperCase() + " " + path, (Map<String, Object>) operation)));
		return operations;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> parameters(Map<String, Object> operation) {
		return (List<Map<String, Object>>) operation.getOrDefault("parameters", List.of());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> schema(Map<String, Object> parameter) {
		return (Map<String, Object>) parameter.getOrDefault("schema", Map.of());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> schemas(Map<String, Object> document) {
		return (Map<String, Map<String, Object>>) ((Map<String, Object>) document.get("components")).get("schemas");
	}

	/** Collects every description with a {@code <word>} outside a code span. */
	@SuppressWarnings("unchecked")
	private static void descriptions(Object node, String where, List<String> swallowed) {
		if (node instanceof Map<?, ?> map) {
			map.forEach((key, value) -> {
				if ("description".equals(key) && value instanceof String text
						&& HTML_LIKE.matcher(text.replaceAll("`[^`]*`", "")).find()) {
					swallowed.add(where + ": " + text);
				}
				descriptions(value, where + "/" + key, swallowed);
			});
		}
		else if (node instanceof List<?> list) {
			list.forEach(item -> descriptions(item, where, swallowed));
		}
	}

	private static final Pattern HTML_LIKE = Pattern.compile("<[A-Za-z/!]");

	private static void requireText(Map<String, Object> node, String key, String where, List<String> missing) {
		if (!(node.get(key) instanceof String text) || text.isBlank()) {
			missing.add(where + ": " + key);
		}
	}

}
