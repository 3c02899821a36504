package io.codebase.registry.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The release before this one, built from its commit (the pom's {@code previous.release}): what runs beside the new
 * release during a rolling update, and alone on the new schema after a rollback. Built once into
 * {@code target/previous-release/<commit>}, without its tests, by its own Maven wrapper.
 */
public final class PreviousRelease {

	private static final Duration BUILD_DEADLINE = Duration.ofMinutes(15);

	private PreviousRelease() {
	}

	/** The commit, from the system property that failsafe sets from the pom. */
	public static String revision() {
		String revision = System.getProperty("previous.release", "");
		if (!revision.matches("[0-9a-f]{40}")) {
			throw new IllegalStateException("previous.release must be the 40-hex commit of the previous release, not '"
					+ revision + "' (set in pom.xml)");
		}
		return revision;
	}

	/** The previous release's jar, built now unless an earlier run built it. */
	public static Path jar() throws IOException, InterruptedException {
		String revision = revision();
		Path root = Path.of("target", "previous-release", revision).toAbsolutePath();
		Path built = find(root);
		if (built != null) {
			return built;
		}
		Files.createDirectories(root);
		Path archive = root.resolveSibling(revision + ".tar");
		run(List.of("git", "archive", "--format=tar", "-o", archive.toString(), revision), Path.of("").toAbsolutePath(),
				root.resolveSibling(revision + "-archive.log"),
				"the commit " + revision + " is not in this clone (a shallow clone? fetch its history)");
		run(List.of("tar", "-xf", archive.toString(), "-C", root.toString()), root, root.resolveSibling(revision + "-tar.log"),
				"could not unpack the previous release");
		run(List.of(root.resolve("mvnw").toString(), "-B", "-q", "-Dmaven.test.skip=true", "-Dcontract.lint.skip=true",
				"package"), root, root.resolveSibling(revision + "-build.log"), "could not build the previous release");
		built = find(root);
		if (built == null) {
			throw new IllegalStateException("the previous release's build made no jar in " + root.resolve("target"));
		}
		return built;
	}

	private static Path find(Path root) throws IOException {
		Path target = root.resolve("target");
		if (!Files.isDirectory(target)) {
			return null;
		}
		try (Stream<Path> files = Files.list(target)) {
			return files.filter(file -> file.getFileName().toString().matches("project-registry-.*\\.jar"))
				.filter(file -> !file.getFileName().toString().endsWith("-plain.jar"))
				.findFirst()
				.orElse(null);
		}
	}

	private static void run(List<String> command, Path directory, Path log, String failure)
			throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!process.waitFor(BUILD_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(failure + ": no end within " + BUILD_DEADLINE + " (" + command + "; see " + log + ")");
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(failure + " (" + String.join(" ", command) + " exited with "
					+ process.exitValue() + "; see " + log + "):\n" + tail(log));
		}
	}

	private static String tail(Path log) throws IOException {
		List<String> lines = Files.readAllLines(log);
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
	}

}
