package io.codebase.registry.documentation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The examples of one Markdown document, in the order a reader meets them. The conventions (also explained in
 * {@code docs/api.md#how-the-examples-are-checked}):
 * <ul>
 * <li>{@code <!-- example -->} on the line before a {@code ```bash} block: run, in order, in one shell per
 * document, so variables set by one block are there for the next.</li>
 * <li>A {@code ```http} or {@code ```json} block directly after an example (nothing but blank lines between) is
 * the response it shows, and is compared with the real one ({@link ShownResponse}, {@link ResponseShape}).</li>
 * <li>{@code <!-- unchecked: why -->} before any block opts it out, with the reason in plain sight.</li>
 * <li>Any other shell block, or an {@code ```http} block that follows no example, is an error: a command or a
 * response the build would not check.</li>
 * </ul>
 */
record DocumentedExamples(Path file, List<Example> examples, List<String> errors) {

	private static final Pattern FENCE = Pattern.compile("^```\\s*([\\w-]*)\\s*$");

	private static final Pattern EXAMPLE = Pattern.compile("^<!--\\s*example\\s*-->$");

	private static final Pattern UNCHECKED = Pattern.compile("^<!--\\s*unchecked:\\s*\\S.*-->$");

	private static final Set<String> SHELL = Set.of("bash", "sh", "shell", "console", "zsh");

	private static final Set<String> RESPONSE = Set.of("http", "json");

	/** One runnable block, with the response it shows if any. */
	record Example(int line, String script, ShownResponse shown) {

		/** Where a reader finds it, as {@code README.md:42}. */
		String where(Path file) {
			return file + ":" + this.line;
		}

	}

	static DocumentedExamples of(Path file) {
		try {
			return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static DocumentedExamples parse(Path file, List<String> lines) {
		List<Example> examples = new ArrayList<>();
		List<String> errors = new ArrayList<>();
		String marker = null;
		int pendingExample = -1;
		String pendingScript = null;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			Matcher fence = FENCE.matcher(line);
			if (!fence.matches()) {
				String trimmed = line.strip();
				if (!trimmed.isEmpty()) {
					marker = trimmed;
					if (pendingScript != null) {
						examples.add(new Example(pendingExample, pendingScript, null));
						pendingScript = null;
					}
				}
				continue;
			}
			String language = fence.group(1).toLowerCase();
			int start = i + 1;
			StringBuilder body = new StringBuilder();
			for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
				body.append(lines.get(i)).append('\n');
			}
			if (i >= lines.size()) {
				errors.add(file + ":" + start + ": a code block that is never closed");
				break;
			}
			String where = file + ":" + start;
			boolean example = marker != null && EXAMPLE.matcher(marker).matches();
			boolean unchecked = marker != null && UNCHECKED.matcher(marker).matches();
			if (pendingScript != null) {
				// A block right after an example: the response it shows, or the next example.
				if (RESPONSE.contains(language) && !example && !unchecked) {
					try {
						examples.add(new Example(pendingExample, pendingScript, ShownResponse.parse(language, body.toString())));
					}
					catch (IllegalArgumentException ex) {
						errors.add(where + ": " + ex.getMessage());
					}
					pendingScript = null;
					marker = "```";
					continue;
				}
				examples.add(new Example(pendingExample, pendingScript, null));
				pendingScript = null;
			}
			if (example) {
				if (!SHELL.contains(language)) {
					errors.add(where + ": <!-- example --> marks a '" + language + "' block; only shell blocks run");
				}
				else {
					pendingExample = start;
					pendingScript = body.toString();
				}
			}
			else if (!unchecked && SHELL.contains(language)) {
				errors.add(where + ": a shell block the build does not run; mark it <!-- example -->, or "
						+ "<!-- unchecked: why --> if it cannot run against a test service");
			}
			else if (!unchecked && language.equals("http")) {
				errors.add(where + ": an HTTP response that follows no example, so nothing checks it");
			}
			marker = "```";
		}
		if (pendingScript != null) {
			examples.add(new Example(pendingExample, pendingScript, null));
		}
		return new DocumentedExamples(file, List.copyOf(examples), List.copyOf(errors));
	}

}
