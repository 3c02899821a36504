package io.codebase.registry.deployment;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' {@code promtool} (Debian package {@code prometheus}, installed by {@code .ci/run}). A machine
 * without it fails the tests that need it, saying how to install it: the checks are never skipped silently.
 */
final class Promtool {

	/** The binary: {@code -Dpromtool=/path/to/promtool}, or {@code promtool} on the PATH. */
	private static final String BINARY = System.getProperty("promtool", "promtool");

	private static final long TIMEOUT_SECONDS = 60;

	private Promtool() {
	}

	record Result(int exitCode, String output) {

		@Override
		public String toString() {
			return "promtool exited with " + this.exitCode + ":\n" + this.output;
		}

	}

	/** {@code promtool <arguments>} with {@code stdin} (may be null) on its standard input, output and errors merged. */
	static Result run(String stdin, String... arguments) {
		List<String> command = new ArrayList<>(List.of(BINARY));
		command.addAll(List.of(arguments));
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new AssertionError("promtool is not installed (" + ex.getMessage() + "). Install Debian's prometheus "
					+ "package, as .ci/run does: apt-get install -y --no-install-recommends prometheus; or point "
					+ "-Dpromtool= at the binary.", ex);
		}
		try {
			try (OutputStream input = process.getOutputStream()) {
				if (stdin != null) {
					input.write(stdin.getBytes(StandardCharsets.UTF_8));
				}
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new AssertionError("promtool " + arguments[0] + " did not end within " + TIMEOUT_SECONDS + " s");
			}
			return new Result(process.exitValue(), output);
		}
		catch (IOException ex) {
			throw new AssertionError("promtool " + String.join(" ", arguments) + " failed: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while promtool ran", ex);
		}
		finally {
			process.destroy();
		}
	}

}
