package io.codebase.registry.documentation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.codebase.registry.documentation.DocumentedExamples.Example;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/**
 * Runs the examples of one document with bash, in order, in one shell ({@code set -euo pipefail}), and checks
 * every HTTP call they make. The shell gets a {@code curl} function that calls the real curl with
 * {@code -D <file>} added and keeps a copy of what it printed, so the examples stay exactly as a reader types
 * them while the check sees the status, headers and body of every call. Each example's output is delimited by
 * marker lines, so a failure names the example.
 */
final class ExampleRun {

	private static final String BEGIN = "@@@ example-begin ";

	private static final String END = "@@@ example-end ";

	/** Reads one value of several in a row (the mapper's default refuses whatever follows a value). */
	private static final ObjectReader VALUES = ShownResponse.JSON.readerFor(JsonNode.class)
		.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

	private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/[\\d.]+ (\\d{3}).*$");

	private static final String PREAMBLE = """
			set -euo pipefail
			shopt -s inherit_errexit
			__example=0
			# Every call is recorded: its example, the headers curl received (-D) and a copy of what it printed.
			# A -D FILE of the example's own still gets the headers: a copy of the recorded ones.
			curl() {
			  local call rc=0 dump="" arg previous=""
			  call=$(mktemp "$__calls/call.XXXXXX")
			  for arg in "$@"; do
			    if [ "$previous" = "-D" ] || [ "$previous" = "--dump-header" ]; then dump=$arg; fi
			    previous=$arg
			  done
			  command curl "$@" -D "$call.headers" | tee "$call.out" || rc=$?
			  if [ -n "$dump" ] && [ "$dump" != "-" ]; then cp "$call.headers" "$dump"; fi
			  printf '%s %s\\n' "$__example" "$call" >>"$__calls/calls"
			  return "$rc"
			}
			""";

	private final DocumentedExamples document;

	private final Path work;

	private ExampleRun(DocumentedExamples document, Path work) {
		this.document = document;
		this.work = work;
	}

	/** One HTTP call an example made. */
	record Call(int status, Map<String, String> headers, String output) {
	}

	/**
	 * Runs every example of the document in {@code directory} (its working directory) with the given environment,
	 * and returns what is wrong: a failed command, an unexpected status, a shown response that no longer matches.
	 */
	static List<String> run(DocumentedExamples document, Path directory, Map<String, String> environment,
			Duration timeout) throws IOException, InterruptedException {
		return new ExampleRun(document, directory).execute(environment, timeout);
	}

	private List<String> execute(Map<String, String> environment, Duration timeout)
			throws IOException, InterruptedException {
		Path calls = Files.createDirectories(this.work.resolve(".calls"));
		Path script = this.work.resolve(".examples.sh");
		Files.writeString(script, script(), StandardCharsets.UTF_8);
		Path stdout = this.work.resolve(".stdout");
		Path stderr = this.work.resolve(".stderr");
		ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).directory(this.work.toFile())
			.redirectOutput(stdout.toFile())
			.redirectError(stderr.toFile());
		builder.environment().putAll(environment);
		builder.environment().put("__calls", calls.toString());
		Process bash = builder.start();
		List<String> failures = new ArrayList<>();
		if (!bash.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
			bash.descendants().forEach(ProcessHandle::destroyForcibly);
			bash.destroyForcibly().waitFor();
			failures.add(this.document.file() + ": the examples did not finish within " + timeout);
		}
		String out = Files.readString(stdout, StandardCharsets.UTF_8);
		String err = Files.readString(stderr, StandardCharsets.UTF_8);
		Map<Integer, List<Call>> callsByExample = calls(calls.resolve("calls"));
		List<Example> examples = this.document.examples();
		for (int i = 0; i < examples.size(); i++) {
			Example example = examples.get(i);
			String where = example.where(this.document.file());
			String printed = between(out, BEGIN + i + "\n", END + i + "\n");
			if (printed == null) {
				failures.add(where + ": " + (out.contains(BEGIN + i + "\n") ? "failed (exit code " + exitCode(bash) + ")"
						: "never ran: an earlier example failed") + "\n" + indent(example.script()) + "  stderr:\n"
						+ indent(section(err, i)));
				break;
			}
			failures.addAll(check(where, example, printed, callsByExample.getOrDefault(i, List.of())));
		}
		if (failures.isEmpty() && exitCode(bash) != 0) {
			failures.add(this.document.file() + ": bash exited with " + exitCode(bash) + "\n" + indent(err));
		}
		return failures;
	}

	private static int exitCode(Process bash) {
		return bash.isAlive() ? -1 : bash.exitValue();
	}

	/** The examples, each between marker lines on stdout and stderr. */
	private String script() {
		StringBuilder script = new StringBuilder(PREAMBLE);
		List<Example> examples = this.document.examples();
		for (int i = 0; i < examples.size(); i++) {
			Example example = examples.get(i);
			script.append("\n# ").append(example.where(this.document.file())).append('\n')
				.append("__example=").append(i).append('\n')
				.append("printf '\\n").append(BEGIN).append(i).append("\\n'; printf '\\n").append(BEGIN).append(i)
				.append("\\n' >&2\n")
				.append(example.script())
				.append("printf '\\n").append(END).append(i).append("\\n'\n");
		}
		return script.toString();
	}

	private static List<String> check(String where, Example example, String printed, List<Call> calls) {
		List<String> failures = new ArrayList<>();
		ShownResponse shown = example.shown();
		Integer expected = (shown != null) ? shown.status() : null;
		for (int c = 0; c < calls.size(); c++) {
			Call call = calls.get(c);
			boolean last = c == calls.size() - 1;
			if (last && expected != null) {
				if (call.status() != expected) {
					failures.add(where + ": the response is " + call.status() + ", shown " + expected + "\n"
							+ indent(call.output()));
				}
			}
			else if (call.status() >= 400 || call.status() < 100) {
				failures.add(where + ": a call answered " + (call.status() < 100 ? "nothing" : call.status())
						+ ", which the example does not show\n" + indent(call.output()));
			}
		}
		if (shown == null) {
			return failures;
		}
		if (expected != null && calls.isEmpty()) {
			failures.add(where + ": shows an HTTP response, but made no HTTP call");
			return failures;
		}
		List<String> differences = new ArrayList<>();
		JsonNode real;
		if (expected != null) {
			Call call = calls.get(calls.size() - 1);
			differences.addAll(ResponseShape.headerDifferences(shown.headers(), call.headers()));
			real = (shown.body() != null) ? lastJson(body(call.output())) : null;
		}
		else {
			real = lastJson(body(printed));
		}
		if (shown.body() != null) {
			if (real == null) {
				differences.add("no JSON was printed; shown " + shown.body());
			}
			else {
				differences.addAll(ResponseShape.differences(shown.body(), real));
			}
		}
		if (!differences.isEmpty()) {
			failures.add(where + ": the response no longer looks as shown:\n" + indent(String.join("\n", differences))
					+ "  real:\n" + indent(real != null ? real.toPrettyString() : printed));
		}
		return failures;
	}

	/** The calls recorded by the curl function, by example, in the order they were made. */
	private static Map<Integer, List<Call>> calls(Path log) throws IOException {
		Map<Integer, List<Call>> calls = new LinkedHashMap<>();
		if (!Files.exists(log)) {
			return calls;
		}
		for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
			String[] parts = line.split(" ", 2);
			Path headerFile = Path.of(parts[1] + ".headers");
			int status = 0;
			Map<String, String> headers = new LinkedHashMap<>();
			if (Files.exists(headerFile)) {
				for (String header : Files.readAllLines(headerFile, StandardCharsets.ISO_8859_1)) {
					header = header.strip();
					Matcher statusLine = STATUS_LINE.matcher(header);
					if (statusLine.matches()) {
						// A later status line (after 100 Continue) starts the headers of the final response.
						status = Integer.parseInt(statusLine.group(1));
						headers.clear();
					}
					else if (header.contains(":")) {
						int colon = header.indexOf(':');
						headers.put(header.substring(0, colon).strip().toLowerCase(), header.substring(colon + 1).strip());
					}
				}
			}
			String output = Files.exists(Path.of(parts[1] + ".out"))
					? Files.readString(Path.of(parts[1] + ".out"), StandardCharsets.UTF_8) : "";
			calls.computeIfAbsent(Integer.valueOf(parts[0]), key -> new ArrayList<>()).add(new Call(status, headers, output));
		}
		return calls;
	}

	/** What follows the header sections when the text starts with them (curl -i), else the text. */
	static String body(String printed) {
		String text = printed.replace("\r\n", "\n");
		while (text.stripLeading().startsWith("HTTP/")) {
			text = text.stripLeading();
			int end = text.indexOf("\n\n");
			text = (end < 0) ? "" : text.substring(end + 2);
		}
		return text;
	}

	/**
	 * The last JSON value in the text, or null if it holds none. Examples may print several values, or other lines
	 * (an id, a count) before them: the text from the latest line on which the rest parses as JSON is taken.
	 */
	static JsonNode lastJson(String text) {
		int start = text.length();
		while (start > 0) {
			start = Math.max(text.lastIndexOf('\n', start - 1), 0);
			JsonNode last = lastValue(text.substring(start));
			if (last != null) {
				return last;
			}
		}
		return null;
	}

	/** The last of the JSON values the text consists of, or null if it is not only JSON values. */
	private static JsonNode lastValue(String text) {
		if (text.isBlank()) {
			return null;
		}
		// A parser, not readValues: readValues would take a top-level array apart into its elements.
		try (JsonParser parser = ShownResponse.JSON.createParser(text)) {
			JsonNode last = null;
			while (parser.nextToken() != null) {
				last = VALUES.readValue(parser);
			}
			return last;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static String between(String text, String begin, String end) {
		int from = text.indexOf(begin);
		if (from < 0) {
			return null;
		}
		int to = text.indexOf(end, from);
		return (to < 0) ? null : text.substring(from + begin.length(), to);
	}

	/** What an example wrote to stderr (from its begin marker to the next one). */
	private static String section(String err, int example) {
		int from = err.indexOf(BEGIN + example + "\n");
		return (from < 0) ? err : err.substring(from + (BEGIN + example + "\n").length());
	}

	private static String indent(String text) {
		StringBuilder indented = new StringBuilder();
		text.lines().forEach(line -> indented.append("    ").append(line).append('\n'));
		return indented.toString();
	}

}
