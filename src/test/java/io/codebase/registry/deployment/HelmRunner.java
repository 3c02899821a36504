package io.codebase.registry.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

/**
 * Runs Helm in the test JVM through helm-java (Helm's Go code as a native library, no {@code helm} binary). The
 * native library for this platform is a Maven dependency that helm-java's POM selects by operating system and
 * architecture (e.g. {@code com.marcnuri.helm-java:linux-amd64}).
 */
final class HelmRunner {

	static final Path CHART = Path.of("helm/project-registry");

	static final String RELEASE = "registry";

	static final String NAMESPACE = "registry-ns";

	/**
	 * The Kubernetes version templates are rendered for and validated against: the oldest the chart's kubeVersion
	 * ({@code >=1.27.0-0}) accepts, so that nothing newer slips in (tools/kubernetes pins its schemas).
	 */
	static final String KUBE_VERSION = "1.27.0";

	/** Resource name of the release: "<release>-<chart>". */
	static final String FULLNAME = RELEASE + "-project-registry";

	static {
		// Without a native library on the classpath helm-java would download one at run time from outside Maven.
		// Refuse that: a platform without the dependency fails loudly ("No NativeLibrary implementation found").
		System.setProperty("com.marcnuri.jkube-helm.skipRemoteJar", "true");
	}

	private static final Path SCHEMA_TOOL = Path.of("tools/kubernetes");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Prefix that hides Helm's hook annotation from Helm (see chartWithVisibleHooks). */
	static final String HOOK_ANNOTATION = "rendered-hook.test/";

	private static Path visibleHooks;

	private static final List<Map<String, Object>> RENDERED = new ArrayList<>();

	private HelmRunner() {
	}

	/**
	 * A copy of the chart whose hook annotations ({@code helm.sh/hook...}) are renamed to
	 * {@code rendered-hook.test/hook...}: helm-java returns the release's manifest without its hooks (the
	 * {@code helm test} pod, the migration Job), and the tests must see and validate those too. Nothing else changes.
	 */
	static synchronized Path chartWithVisibleHooks() {
		if (visibleHooks == null) {
			try {
				Path copy = Files.createTempDirectory("helm-chart").resolve(CHART.getFileName());
				FileSystemUtils.copyRecursively(CHART, copy);
				try (Stream<Path> files = Files.walk(copy.resolve("templates"))) {
					for (Path file : files.filter(Files::isRegularFile).toList()) {
						Files.writeString(file, Files.readString(file).replace("helm.sh/hook", HOOK_ANNOTATION + "hook"));
					}
				}
				visibleHooks = copy;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return visibleHooks;
	}

	static LintResult lint(Path chart) {
		return new Helm(chart).lint().strict().call();
	}

	/**
	 * {@code helm template registry helm/project-registry --namespace registry-ns [-f values] [--set k=v ...]}.
	 */
	static synchronized Manifests template(Path valuesFile, Map<String, Object> sets) {
		TemplateCommand command = new Helm(chartWithVisibleHooks()).template()
			.withName(RELEASE)
			.withNamespace(NAMESPACE)
			.withKubeVersion(KUBE_VERSION);
		if (valuesFile != null) {
			command = command.withValuesFile(valuesFile);
		}
		for (Map.Entry<String, Object> set : sets.entrySet()) {
			command = command.set(set.getKey(), set.getValue());
		}
		Manifests manifests = Manifests.parse(command.call());
		RENDERED.add(Map.of("name", String.valueOf(valuesFile) + " " + sets, "manifests", manifests.documents()));
		return manifests;
	}

	/**
	 * Validates every rendering made so far (HelmChartTest calls it after all its tests, so that every value
	 * combination the tests render is checked in one run of the validator), then forgets them.
	 */
	static synchronized String validateEveryRendering() {
		List<Map<String, Object>> renderings = List.copyOf(RENDERED);
		RENDERED.clear();
		return validateAgainstKubernetesSchemas(renderings);
	}

	/**
	 * Runs tools/kubernetes/validate.mjs on the renderings: the Kubernetes OpenAPI schemas of kubernetes-models and
	 * the Prometheus Operator's, pinned in its package-lock.json and installed by the build's {@code npm ci} before
	 * the tests; nothing is downloaded here. Returns the validator's report; fails with it when anything is invalid.
	 */
	static String validateAgainstKubernetesSchemas(List<Map<String, Object>> renderings) {
		if (!Files.isDirectory(SCHEMA_TOOL.resolve("node_modules/kubernetes-models"))) {
			throw new IllegalStateException("tools/kubernetes/node_modules is missing: the build installs it "
					+ "(npm ci, phase process-test-resources); by hand: cd tools/kubernetes && npm ci");
		}
		try {
			Path directory = Files.createTempDirectory("renderings");
			List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
			for (int i = 0; i < renderings.size(); i++) {
				Path input = directory.resolve(i + ".json");
				Files.writeString(input, JSON.writeValueAsString(renderings.get(i)));
				command.add(input.toAbsolutePath().toString());
			}
			Path output = directory.resolve("report.txt");
			try {
				Process node = new ProcessBuilder(command).directory(SCHEMA_TOOL.toFile())
					.redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				if (!node.waitFor(60, TimeUnit.SECONDS)) {
					node.destroyForcibly();
					throw new IllegalStateException("tools/kubernetes/validate.mjs did not finish in 60 s");
				}
				String report = Files.readString(output);
				if (node.exitValue() != 0) {
					throw new AssertionError("rendered manifests are not valid Kubernetes resources:\n" + report);
				}
				return report;
			}
			finally {
				FileSystemUtils.deleteRecursively(directory);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
