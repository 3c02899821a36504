package io.codebase.registry.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static io.codebase.registry.deployment.Manifests.at;
import static io.codebase.registry.deployment.Manifests.map;
import static io.codebase.registry.deployment.Manifests.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml, parsed with SnakeYAML and read with Compose's own defaults applied to {@code ${VAR:-default}}:
 * the registry runs on PostgreSQL 17 only after it is healthy, with the wiring the application reads.
 */
class DockerComposeTest {

	private static final Path COMPOSE_FILE = Path.of("docker-compose.yml");

	/** {@code ${NAME:-default}} or {@code ${NAME-default}}, as Compose interpolates it with NAME unset. */
	private static final Pattern VARIABLE_WITH_DEFAULT = Pattern.compile("\\$\\{(\\w+):?-([^}]*)}");

	/** {@code ${NAME:?message}}: Compose refuses to start when NAME is unset or empty. Read as "<required NAME>". */
	private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{(\\w+):\\?[^}]*}");

	private static String text;

	private static Map<String, Object> compose;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void parse() throws IOException {
		// "$$" is Compose's escape for a literal "$" (a variable read inside the container, not by Compose).
		text = Files.readString(COMPOSE_FILE);
		String escaped = text.replace("$$", "\u0000");
		String interpolated = REQUIRED_VARIABLE.matcher(withDefaults(escaped)).replaceAll("<required $1>");
		assertThat(interpolated).as("every variable has a default or is required").doesNotContain("${");
		compose = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
			.load(interpolated.replace("\u0000", "$"));
	}

	@Test
	void postgresIsVersion17WithANamedVolumeAndAReadinessCheck() {
		Map<String, Object> postgres = map(compose, "services", "postgres");
		assertThat(text(postgres, "image")).matches("postgres:17@sha256:[0-9a-f]{64}");

		String volume = String.valueOf(((List<?>) at(postgres, "volumes")).get(0));
		assertThat(volume).endsWith(":/var/lib/postgresql/data");
		String volumeName = volume.substring(0, volume.indexOf(':'));
		assertThat(map(compose, "volumes")).as("named volume").containsKey(volumeName);

		assertThat(String.join(" ", strings(at(postgres, "healthcheck", "test")))).contains("pg_isready");
	}

	@Test
	void registryStartsFromTheDockerfileOnlyAfterPostgresIsHealthy() {
		Map<String, Object> registry = map(compose, "services", "registry");
		assertThat(map(registry, "build")).containsEntry("context", ".").containsEntry("dockerfile", "Dockerfile");
		assertThat(text(registry, "depends_on", "postgres", "condition")).isEqualTo("service_healthy");
	}

	@Test
	void registryUsesThePostgresServiceThroughTheDatasourceVariables() {
		Map<String, Object> postgres = map(compose, "services", "postgres", "environment");
		Map<String, Object> environment = map(compose, "services", "registry", "environment");

		assertThat(text(environment, "SPRING_DATASOURCE_URL"))
			.isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
		// Its own login, created by the init script, not PostgreSQL's superuser.
		assertThat(environment.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(postgres.get("REGISTRY_DB_USER"))
			.isNotEqualTo(postgres.get("POSTGRES_USER"));
		assertThat(environment.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(postgres.get("REGISTRY_DB_PASSWORD"));

		for (String variable : environment.keySet()) {
			assertThat(ApplicationSettings.propertyBoundBy(variable)).as("property set by %s", variable).isNotNull();
		}
	}

	@Test
	void anonymousAccessIsExplicitAndThePortIsPublishedOnLoopbackByDefault() {
		Map<String, Object> registry = map(compose, "services", "registry");
		assertThat(text(registry, "environment", "REGISTRY_SECURITY_ALLOW_ANONYMOUS")).isEqualTo("true");
		assertThat(ApplicationSettings.propertyBoundBy("REGISTRY_SECURITY_ALLOW_ANONYMOUS"))
			.isEqualTo("registry.security.allow-anonymous");
		assertThat(strings(at(registry, "ports"))).singleElement()
			.satisfies(mapping -> assertThat(mapping).startsWith("127.0.0.1:"));
	}

	@Test
	void allowedRootIsTheMountedWorkspace() {
		Map<String, Object> registry = map(compose, "services", "registry");
		String root = text(registry, "environment", "REGISTRY_SESSIONS_ALLOWED_ROOTS");
		assertThat(ApplicationSettings.propertyBoundBy("REGISTRY_SESSIONS_ALLOWED_ROOTS"))
			.isEqualTo("registry.sessions.allowed-roots");
		assertThat(strings(at(registry, "volumes"))).anyMatch(volume -> volume.endsWith(":" + root));
	}

	@Test
	void apiPortIsServerPortAndTheHealthCheckAsksTheLivenessProbe() {
		Map<String, Object> registry = map(compose, "services", "registry");
		int serverPort = ApplicationSettings.serverPort();
		assertThat(strings(at(registry, "ports"))).singleElement()
			.satisfies(mapping -> assertThat(mapping).endsWith(":" + serverPort));

		List<String> check = strings(at(registry, "healthcheck", "test"));
		assertThat(check).contains("http://localhost:" + serverPort + ApplicationSettings.LIVENESS_PATH);
		assertThat(check).contains(ContainerHealthCheck.class.getName());
	}

	@Test
	void passwordsHaveNoDefaultAndTheRegistryLoginCanCreateDatabasesButIsNoSuperuser() throws IOException {
		Map<String, Object> postgres = map(compose, "services", "postgres", "environment");
		assertThat(postgres).containsEntry("POSTGRES_PASSWORD", "<required POSTGRES_PASSWORD>")
			.containsEntry("REGISTRY_DB_PASSWORD", "<required REGISTRY_DB_PASSWORD>");
		assertThat(text).doesNotContain("change-me");

		assertThat(strings(at(compose, "services", "postgres", "volumes")))
			.contains("./docker/postgres-init:/docker-entrypoint-initdb.d:ro");
		String init = Files.readString(Path.of("docker/postgres-init/10-registry-role.sh"));
		assertThat(init).contains("CREATE ROLE :\"role\" LOGIN CREATEDB CREATEROLE NOSUPERUSER NOREPLICATION")
			.contains("ALTER DATABASE :\"db\" OWNER TO :\"role\"")
			.contains("$REGISTRY_DB_USER").contains("$REGISTRY_DB_PASSWORD");
	}

	@Test
	void theRegistryContainerIsHardenedLikeThePodAndHasAMemoryLimit() {
		Map<String, Object> registry = map(compose, "services", "registry");
		assertThat(registry).containsEntry("read_only", true);
		assertThat(strings(at(registry, "cap_drop"))).containsExactly("ALL");
		assertThat(strings(at(registry, "security_opt"))).containsExactly("no-new-privileges:true");
		assertThat(strings(at(registry, "tmpfs"))).singleElement().satisfies(tmp -> assertThat(tmp).startsWith("/tmp"));
		assertThat(text(registry, "mem_limit")).isEqualTo("512m");
		for (String service : List.of("postgres", "registry")) {
			assertThat(text(compose, "services", service, "logging", "options", "max-size")).isEqualTo("10m");
		}
	}

	private static List<String> strings(Object list) {
		return ((List<?>) list).stream().map(String::valueOf).toList();
	}

	private static String withDefaults(String source) {
		Matcher matcher = VARIABLE_WITH_DEFAULT.matcher(source);
		StringBuilder result = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(result, Matcher.quoteReplacement(matcher.group(2)));
		}
		matcher.appendTail(result);
		return result.toString();
	}

}
