package io.codebase.registry.documentation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation stays inside the repository and its cross-references hold: every relative link of the
 * README and {@code docs/} names a file of the repository, and every {@code #section} a heading of that file;
 * every {@code docs/<page>.md#section} cited in code, configuration or scripts exists too.
 */
class DocumentLinksTest {

	private static final Path ROOT = Path.of("").toAbsolutePath();

	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

	private static final Pattern CITATION = Pattern.compile("docs/([a-z-]+\\.md)#([a-z0-9-]+)");

	private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*$");

	@Test
	void everyLinkOfTheDocumentationResolvesInsideTheRepository() throws IOException {
		List<String> broken = new ArrayList<>();
		for (Path document : documents()) {
			List<String> lines = Files.readAllLines(document, StandardCharsets.UTF_8);
			for (int i = 0; i < lines.size(); i++) {
				Matcher link = LINK.matcher(lines.get(i));
				while (link.find()) {
					String problem = problemOf(document, link.group(1));
					if (problem != null) {
						broken.add(ROOT.relativize(document) + ":" + (i + 1) + ": " + link.group(1) + ": " + problem);
					}
				}
			}
		}
		assertThat(broken).isEmpty();
	}

	@Test
	void everySectionCitedOutsideTheDocumentationExists() throws IOException {
		List<String> broken = new ArrayList<>();
		List<Path> sources;
		try (Stream<Path> files = Stream.of("src", "helm", "bench", "docker", ".ci", "Dockerfile", "docker-compose.yml", "pom.xml")
			.map(ROOT::resolve)
			.filter(Files::exists)
			.flatMap(DocumentLinksTest::walk)) {
			sources = files.filter(Files::isRegularFile).toList();
		}
		for (Path source : sources) {
			// Decoded leniently: a binary file simply cites nothing.
			Matcher citation = CITATION.matcher(new String(Files.readAllBytes(source), StandardCharsets.UTF_8));
			while (citation.find()) {
				String problem = problemOf(ROOT.resolve("docs/x.md"), citation.group(1) + "#" + citation.group(2));
				if (problem != null) {
					broken.add(ROOT.relativize(source) + ": " + citation.group() + ": " + problem);
				}
			}
		}
		assertThat(broken).isEmpty();
	}

	/** Null when the link resolves; else why not. Absolute URLs are not followed. */
	private static String problemOf(Path document, String target) throws IOException {
		if (target.matches("^[a-z]+:.*")) {
			return null;
		}
		int hash = target.indexOf('#');
		String file = (hash < 0) ? target : target.substring(0, hash);
		Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
		if (!resolved.startsWith(ROOT)) {
			return "points outside the repository";
		}
		if (!Files.exists(resolved)) {
			return "no such file";
		}
		if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
			return "no such section in " + ROOT.relativize(resolved);
		}
		return null;
	}

	/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces to hyphens. */
	static Set<String> anchors(Path document) throws IOException {
		Set<String> anchors = new HashSet<>();
		boolean fenced = false;
		for (String line : Files.readAllLines(document, StandardCharsets.UTF_8)) {
			if (line.startsWith("```")) {
				fenced = !fenced;
			}
			Matcher heading = HEADING.matcher(line);
			if (!fenced && heading.matches()) {
				String anchor = heading.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
				String unique = anchor;
				for (int n = 1; !anchors.add(unique); n++) {
					unique = anchor + "-" + n;
				}
			}
		}
		return anchors;
	}

	private static List<Path> documents() throws IOException {
		List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
		try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
			docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
		}
		return documents;
	}

	private static Stream<Path> walk(Path path) {
		try {
			return Files.walk(path).toList().stream();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
