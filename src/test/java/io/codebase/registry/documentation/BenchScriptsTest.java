package io.codebase.registry.documentation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark harness (bench/run.sh, bench/lib, bench/scenarios) stays runnable without running it: every
 * script parses ({@code bash -n}) and passes {@code shellcheck} (Debian package {@code shellcheck}, installed by
 * {@code .ci/run}; a machine without it fails, saying how to install it), every scenario file is one the driver
 * runs, and the arithmetic behind the printed ratios (the ABBA order, per-round ratios with their median and
 * worst, the compare mode's B/A) gives known answers. A smoke run of a scenario starts the jar, which takes 20 s
 * on a quiet 2-core machine and minutes on a busy one, so it is not part of the build: {@code SMOKE=1
 * bench/run.sh all} runs it by hand.
 */
class BenchScriptsTest {

	private static final Path ROOT = Path.of("").toAbsolutePath();

	private static final Path BENCH = ROOT.resolve("bench");

	@Test
	void everyBenchScriptParses() throws IOException {
		List<Path> scripts = scripts();
		assertThat(scripts).extracting(path -> BENCH.relativize(path).toString())
			.contains("run.sh", "schema.sh", "lib/common.sh", "lib/app.sh", "lib/load.sh", "lib/compare.sh",
					"scenarios/resolution.sh");
		for (Path script : scripts) {
			Result result = run(List.of("bash", "-n", script.toString()));
			assertThat(result.exitCode()).as("bash -n %s:%n%s", script, result.output()).isZero();
		}
	}

	@Test
	void everyBenchScriptPassesShellcheck() throws IOException {
		List<String> command = new ArrayList<>(List.of("shellcheck", "-x", "-P", "SCRIPTDIR"));
		scripts().forEach(script -> command.add(script.toString()));
		Result result;
		try {
			result = run(command);
		}
		catch (IOException ex) {
			throw new AssertionError("shellcheck is not installed (" + ex.getMessage() + "). Install Debian's "
					+ "shellcheck package, as .ci/run does: apt-get install -y --no-install-recommends shellcheck", ex);
		}
		assertThat(result.exitCode()).as("shellcheck found:%n%s", result.output()).isZero();
	}

	@Test
	void theDriverListsEveryScenarioFile() throws IOException {
		Result result = run(List.of("bash", BENCH.resolve("run.sh").toString(), "list"));
		assertThat(result.exitCode()).as(result.output()).isZero();
		try (Stream<Path> files = Files.list(BENCH.resolve("scenarios"))) {
			List<String> names = files.map(path -> path.getFileName().toString().replaceFirst("\\.sh$", "")).toList();
			assertThat(names).isNotEmpty();
			List<String> listed = result.output().lines().map(line -> line.split("\\s+", 2)[0]).toList();
			assertThat(listed).containsExactlyInAnyOrderElementsOf(names);
		}
		assertThat(result.output()).contains("resolution           Tier-1 resolution of a cached project vs the trivial endpoint GET /api/v1");
	}

	@Test
	void roundsAlternateTheirOrderAndRatiosReportTheirMedianAndWorst() throws IOException {
		String out = bash("""
				round_order 1 A B | paste -sd,
				round_order 2 A B | paste -sd,
				round_order 3 root liveness resolution | paste -sd,
				round_order 4 root liveness resolution | paste -sd,
				jq -nc "$JQ_LIB"'[2, 0.5, 1] | ratios("min")'
				jq -nc "$JQ_LIB"'[1.2, 0.9, 1.5, 1.1] | ratios("max")'
				""");
		assertThat(out.lines()).containsExactly("A,B", "B,A", "root,liveness,resolution", "resolution,liveness,root",
				"{\"per_round\":[2,0.5,1],\"median\":1,\"worst\":0.5}",
				"{\"per_round\":[1.2,0.9,1.5,1.1],\"median\":1.15,\"worst\":1.5}");
	}

	@Test
	void compareReportsEveryRoundsRatioOfBToA(@TempDir Path work) throws IOException {
		// Two rounds of one target: A 1000 then 800 req/s, B 900 then 1000 req/s; p99 A 10 / 20 ms, B 15 / 10 ms.
		String out = bash("""
				WORK=%s ROUNDS=2 COMPARE_TARGETS=root COMPARE_A=old COMPARE_B=new JAR_A=a.jar JAR_B=b.jar
				report() { jq -nc --argjson rps "$1" --argjson p99 "$2" '{rps: $rps, latency_us: {p99: $p99}}'; }
				report 1000 10000 >"$WORK/r1-root-A.json"; report 900 15000 >"$WORK/r1-root-B.json"
				report 800 20000 >"$WORK/r2-root-A.json"; report 1000 10000 >"$WORK/r2-root-B.json"
				compare_summary "$WORK" | jq -c '.targets[0] | {rps_ratio, p99_ratio, a_rps, b_rps}'
				""".formatted(work));
		assertThat(out.strip()).isEqualTo("{\"rps_ratio\":{\"per_round\":[0.9,1.25],\"median\":1.075,\"worst\":0.9},"
				+ "\"p99_ratio\":{\"per_round\":[1.5,0.5],\"median\":1,\"worst\":1.5},"
				+ "\"a_rps\":[1000,800],\"b_rps\":[900,1000]}");
	}

	/** Runs SCRIPT in bash with the harness's libraries sourced; fails unless it exits 0. */
	private static String bash(String script) throws IOException {
		String prelude = "set -euo pipefail\n" + Stream.of("common", "app", "load", "compare")
			.map(lib -> "source " + BENCH.resolve("lib/" + lib + ".sh") + "\n")
			.reduce("", String::concat);
		Result result = run(List.of("bash", "-c", prelude + script));
		assertThat(result.exitCode()).as(result.output()).isZero();
		return result.output();
	}

	private static List<Path> scripts() throws IOException {
		try (Stream<Path> files = Files.walk(BENCH)) {
			return files.filter(path -> path.toString().endsWith(".sh")).sorted().toList();
		}
	}

	private record Result(int exitCode, String output) {
	}

	private static Result run(List<String> command) throws IOException {
		Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
		try {
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new AssertionError(command.get(0) + " did not end within 60 s");
			}
			return new Result(process.exitValue(), output);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
	}

}
