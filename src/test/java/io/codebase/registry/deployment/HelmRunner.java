package io.codebase.registry.deployment;

import java.nio.file.Path;
import java.util.Map;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

/**
 * Runs Helm in the test JVM through helm-java (Helm's Go code as a native library, no {@code helm} binary). The
 * native library for this platform is a Maven dependency that helm-java's POM selects by operating system and
 * architecture (e.g. {@code com.marcnuri.helm-java:linux-amd64}).
 */
final class HelmRunner {

	static final Path CHART = Path.of("helm/project-registry");

	static final String RELEASE = "registry";

	static final String NAMESPACE = "registry-ns";

	/** Resource name of the release: "<release>-<chart>". */
	static final String FULLNAME = RELEASE + "-project-registry";

	static {
		// Without a native library on the classpath helm-java would download one at run time from outside Maven.
		// Refuse that: a platform without the dependency fails loudly ("No NativeLibrary implementation found").
		System.setProperty("com.marcnuri.jkube-helm.skipRemoteJar", "true");
	}

	private HelmRunner() {
	}

	static LintResult lint(Path chart) {
		return new Helm(chart).lint().strict().call();
	}

	/**
	 * {@code helm template registry helm/project-registry --namespace registry-ns [-f values] [--set k=v ...]}.
	 */
	static Manifests template(Path valuesFile, Map<String, Object> sets) {
		TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
		if (valuesFile != null) {
			command = command.withValuesFile(valuesFile);
		}
		for (Map.Entry<String, Object> set : sets.entrySet()) {
			command = command.set(set.getKey(), set.getValue());
		}
		return Manifests.parse(command.call());
	}

}
