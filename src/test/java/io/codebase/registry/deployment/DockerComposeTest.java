package io.codebase.registry.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.codebase.registry.fleet.FleetProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static io.codebase.registry.deployment.Manifests.at;
import static io.codebase.registry.deployment.Manifests.map;
import static io.codebase.registry.deployment.Manifests.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml and its fleet override, parsed with SnakeYAML and read with Compose's own defaults applied to
 * {@code ${VAR:-default}}: the registry runs on PostgreSQL 17 only after it is healthy, with the wiring the
 * application reads.
 */
class DockerComposeTest {

	private static final Path COMPOSE_FILE = Path.of("docker-compose.yml");

	/** The override that adds a second PostgreSQL server and declares the fleet. */
	private static final Path FLEET_FILE = Path.of("docker-compose.fleet.yml");

	/** {@code ${NAME:-default}} or {@code ${NAME-default}}, as Compose interpolates it with NAME unset. */
	private static final Pattern VARIABLE_WITH_DEFAULT = Pattern.compile("\\$\\{(\\w+):?-([^}]*)}");

	/** {@code ${NAME:?message}}: Compose refuses to start when NAME is unset or empty. Read as "<required NAME>". */
	private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{(\\w+):\\?[^}]*}");

	private static String text;

	private static Map<String, Object> compose;

	private static Map<String, Object> fleet;

	@BeforeAll
	static void parse() throws IOException {
		text = Files.readString(COMPOSE_FILE);
		compose = interpolate(text);
		fleet = interpolate(Files.readString(FLEET_FILE));
	}

	/** A compose file as Compose reads it with no variable set: defaults applied, required ones named. */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> interpolate(String source) {
		// "$$" is Compose's escape for a literal "$" (a variable read inside the container, not by Compose).
		String escaped = source.replace("$$", "\u0000");
		String interpolated = REQUIRED_VARIABLE.matcher(withDefaults(escaped)).replaceAll("<required $1>");
		assertThat(interpolated).as("every variable has a default or is required").doesNotContain("${");
		return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
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

	/**
	 * The fleet override, bound as the application binds its environment: two servers, the first named like the one
	 * server of the base file (so adding the override keeps every project), each on a service of the merged files,
	 * with passwords that have no default.
	 */
	@Test
	void theFleetOverrideDeclaresTwoServersTheApplicationBinds() {
		Map<String, Object> environment = new HashMap<>(map(compose, "services", "registry", "environment"));
		environment.putAll(map(fleet, "services", "registry", "environment"));
		StandardEnvironment spring = new StandardEnvironment();
		Map<String, Object> variables = new HashMap<>();
		environment.forEach((name, value) -> variables.put(name, String.valueOf(value)));
		// Bound with the environment's relaxed names only when the source is named like the system environment.
		spring.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(
					"compose-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
		FleetProperties bound = Binder.get(spring)
			.bind("registry.fleet", Bindable.of(FleetProperties.class).withBindMethod(BindMethod.VALUE_OBJECT))
			.get();

		assertThat(bound.servers()).extracting(FleetProperties.Server::name).containsExactly("default", "pg-2");
		assertThat(bound.servers()).extracting(server -> server.labels().get("zone")).containsExactly("a", "b");
		assertThat(bound.servers()).extracting(FleetProperties.Server::password)
			.containsExactly("<required REGISTRY_DB_PASSWORD>", "<required PG2_REGISTRY_PASSWORD>");
		assertThat(bound.servers().get(0).url()).isEqualTo(text(compose, "services", "registry", "environment",
				"SPRING_DATASOURCE_URL"));
		assertThat(bound.servers().get(1).url()).isEqualTo("jdbc:postgresql://postgres-2:5432/projects");
		assertThat(bound.servers()).extracting(FleetProperties.Server::username).containsOnly("registry");
		assertThat(bound.servers()).allSatisfy(server -> assertThat(server.capacity().projects()).isZero());
	}

	@Test
	void theSecondServerIsMadeLikeTheFirstAndTheRegistryWaitsForIt() {
		Map<String, Object> second = map(fleet, "services", "postgres-2");
		assertThat(text(second, "image")).isEqualTo(text(compose, "services", "postgres", "image"));
		assertThat(strings(at(second, "volumes"))).contains("./docker/postgres-init:/docker-entrypoint-initdb.d:ro",
				"postgres-2-data:/var/lib/postgresql/data");
		assertThat(map(fleet, "volumes")).containsKey("postgres-2-data");
		assertThat(map(second, "environment")).containsEntry("POSTGRES_DB", "projects")
			.containsEntry("POSTGRES_PASSWORD", "<required PG2_POSTGRES_PASSWORD>")
			.containsEntry("REGISTRY_DB_PASSWORD", "<required PG2_REGISTRY_PASSWORD>");
		assertThat(text(fleet, "services", "registry", "depends_on", "postgres-2", "condition"))
			.isEqualTo("service_healthy");
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
