package io.codebase.registry;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration reference in {@code docs/operations.md} is generated: the region between
 * {@code <!-- config:begin -->} and {@code <!-- config:end -->} is the table rendered from the metadata that Spring
 * Boot's configuration processor writes from the {@code @ConfigurationProperties} records and their {@code @param}
 * Javadoc (plus META-INF/additional-spring-configuration-metadata.json for defaults computed at run time). After
 * changing a property, regenerate it with
 * {@code ./mvnw -B -o -q test -Dtest=ConfigurationReferenceTest -Dconfig.update=true} and review the diff.
 */
class ConfigurationReferenceTest {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	private static final Path DOCUMENT = Path.of("docs/operations.md");

	private static final String BEGIN = "<!-- config:begin -->";

	private static final String END = "<!-- config:end -->";

	private static final String UPDATE = "./mvnw -B -o -q test -Dtest=ConfigurationReferenceTest -Dconfig.update=true";

	private static final String PREFIX = "registry.";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** A table row's first cell: {@code | `some.property` |}. */
	private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|", Pattern.MULTILINE);

	private static final Pattern PACKAGE = Pattern.compile("\\b[a-z][a-z0-9_]*\\.");

	@Test
	void theDocumentedReferenceIsTheGeneratedOne() throws IOException {
		String rendered = render(registryProperties());
		String document = Files.readString(DOCUMENT, StandardCharsets.UTF_8);
		int begin = document.indexOf(BEGIN);
		int end = document.indexOf(END);
		assertThat(begin).as("%s has no %s ... %s region", DOCUMENT, BEGIN, END).isNotNegative();
		assertThat(end).as("%s has no %s after %s", DOCUMENT, END, BEGIN).isGreaterThan(begin);
		String region = document.substring(begin + BEGIN.length(), end);
		if (Boolean.getBoolean("config.update")) {
			document = document.substring(0, begin + BEGIN.length()) + rendered + document.substring(end);
			Files.writeString(DOCUMENT, document, StandardCharsets.UTF_8);
			region = rendered;
		}
		assertThat(region)
			.as("The configuration reference in %s differs from the @ConfigurationProperties metadata; run %s and "
					+ "review the diff", DOCUMENT, UPDATE)
			.isEqualTo(rendered);
	}

	@Test
	void everyRegistryPropertyHasADescriptionAndADefault() throws IOException {
		List<String> gaps = new ArrayList<>();
		for (JsonNode property : registryProperties()) {
			String name = property.get("name").asString();
			if (!property.hasNonNull("description") || property.get("description").asString().isBlank()) {
				gaps.add(name + ": no description (an @param in its record's Javadoc)");
			}
			else if (property.get("description").asString().replaceAll("\\{@code ", "").contains("{@")) {
				gaps.add(name + ": a Javadoc tag other than {@code} in its description, which is not rendered");
			}
			if (!property.has("defaultValue")) {
				gaps.add(name + ": no default (@DefaultValue, or additional-spring-configuration-metadata.json when it "
						+ "is computed at run time)");
			}
		}
		assertThat(gaps).isEmpty();
	}

	/**
	 * The documented defaults are the real ones: each record bound from an empty environment holds its metadata
	 * default, so the defaults declared by hand in additional-spring-configuration-metadata.json cannot drift.
	 */
	@Test
	void everyDocumentedDefaultIsWhatAnEmptyEnvironmentBinds() throws Exception {
		Binder empty = new Binder(new MapConfigurationPropertySource(Map.of()));
		String home = System.getProperty("user.home");
		List<String> wrong = new ArrayList<>();
		for (JsonNode property : registryProperties()) {
			String name = property.get("name").asString();
			JsonNode documented = property.path("defaultValue");
			if (documented.isMissingNode()) {
				continue; // reported by everyRegistryPropertyHasADescriptionAndADefault
			}
			Class<?> type = Class.forName(property.get("sourceType").asString());
			String prefix = type.getAnnotation(ConfigurationProperties.class).value();
			Method accessor = component(type, name.substring(prefix.length() + 1)).getAccessor();
			accessor.setAccessible(true);
			Object unset = accessor.invoke(empty.bindOrCreate(prefix, type));
			// The documented default, bound as if an operator had set it, must give the same value.
			Object expected = (documented.isArray() && documented.isEmpty()) ? List.of()
					: accessor.invoke(new Binder(new MapConfigurationPropertySource(
							Map.of(name, text(documented).replace("~", home)))).bindOrCreate(prefix, type));
			if (!Objects.equals(expected, unset)) {
				wrong.add(name + ": documented " + expected + ", bound from an empty environment " + unset);
			}
		}
		assertThat(wrong).isEmpty();
	}

	/**
	 * Spring Boot's own properties that matter here are kept by hand in the same document, outside the generated
	 * region: each is a real property (in some metadata on the class path), and no property is described twice.
	 */
	@Test
	void theHandKeptPropertiesAreRealAndNoPropertyAppearsTwice() throws IOException {
		String document = Files.readString(DOCUMENT, StandardCharsets.UTF_8);
		// Only the configuration section: the metrics tables name meters, not properties.
		document = document.substring(document.indexOf("\n## Configuration"));
		document = document.substring(0, document.indexOf("\n## ", 1));
		Set<String> known = knownProperties();
		List<String> named = new ArrayList<>();
		Matcher row = ROW.matcher(document);
		while (row.find()) {
			named.add(row.group(1));
		}
		Set<String> seen = new HashSet<>();
		List<String> twice = named.stream().filter(name -> !seen.add(name)).toList();
		assertThat(twice).as("properties described more than once in %s", DOCUMENT).isEmpty();
		List<String> unknown = named.stream().filter(name -> !isKnown(name, known)).toList();
		assertThat(unknown).as("properties in %s that no configuration metadata knows", DOCUMENT).isEmpty();
	}

	/**
	 * A name, or a family such as {@code spring.datasource.hikari.*} (properties under it, or a map property such as
	 * {@code management.metrics.tags}), that some metadata knows.
	 */
	private static boolean isKnown(String name, Set<String> known) {
		if (name.endsWith(".*")) {
			String family = name.substring(0, name.length() - 1);
			return known.contains(name.substring(0, name.length() - 2))
					|| known.stream().anyMatch(property -> property.startsWith(family));
		}
		return known.contains(name);
	}

	private static String render(List<JsonNode> properties) {
		StringBuilder table = new StringBuilder("\n<!-- Generated from the @ConfigurationProperties records' Javadoc by "
				+ "ConfigurationReferenceTest; edit the Javadoc, then run " + UPDATE + " -->\n\n");
		table.append("| Property | Type | Default | Description |\n|---|---|---|---|\n");
		for (JsonNode property : properties) {
			table.append("| `").append(property.get("name").asString()).append("` | ")
				.append(type(property.get("type").asString())).append(" | ")
				.append(defaultValue(property.path("defaultValue"))).append(" | ")
				.append(description(property.path("description").asString())).append(" |\n");
		}
		return table.toString();
	}

	/** {@code java.util.List<java.nio.file.Path>} as {@code List<Path>}; an enum as its constants. */
	private static String type(String type) {
		try {
			Class<?> named = Class.forName(type);
			if (named.isEnum()) {
				return Arrays.stream(named.getEnumConstants()).map(constant -> "`" + constant + "`")
					.collect(Collectors.joining(" or "));
			}
		}
		catch (ClassNotFoundException ex) {
			// A generic type such as java.util.List<...>: no class of that name, shown by its simple names.
		}
		return "`" + PACKAGE.matcher(type).replaceAll("").replaceAll("[A-Za-z0-9_]+\\$", "") + "`";
	}

	private static String defaultValue(JsonNode value) {
		String text = text(value);
		return text.isEmpty() ? (value.isArray() ? "(none)" : "(empty)") : "`" + text + "`";
	}

	private static String text(JsonNode value) {
		if (value.isArray()) {
			return StreamSupport.stream(value.spliterator(), false).map(JsonNode::asString)
				.collect(Collectors.joining(","));
		}
		return value.asString();
	}

	/** The {@code @param} text as a sentence, {@code {@code x}} as Markdown code. */
	private static String description(String javadoc) {
		StringBuilder text = new StringBuilder();
		int at = 0;
		int code;
		while ((code = javadoc.indexOf("{@code ", at)) >= 0) {
			int end = closingBrace(javadoc, code);
			text.append(javadoc, at, code).append('`').append(javadoc, code + "{@code ".length(), end).append('`');
			at = end + 1;
		}
		text.append(javadoc.substring(at));
		String sentence = text.toString().strip().replace("|", "\\|");
		if (sentence.isEmpty()) {
			return sentence; // reported by everyRegistryPropertyHasADescriptionAndADefault
		}
		sentence = Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
		return sentence.endsWith(".") ? sentence : sentence + ".";
	}

	/** Javadoc's inline tags end at the brace that balances theirs: {@code {@code a{1,2}}}. */
	private static int closingBrace(String text, int open) {
		int depth = 0;
		for (int i = open; i < text.length(); i++) {
			if (text.charAt(i) == '{') {
				depth++;
			}
			else if (text.charAt(i) == '}' && --depth == 0) {
				return i;
			}
		}
		throw new IllegalArgumentException("Unbalanced {@code in: " + text);
	}

	private static List<JsonNode> registryProperties() throws IOException {
		assertThat(METADATA).as("no configuration metadata; compile first (./mvnw -B -o -q test-compile)").exists();
		JsonNode metadata = JSON.readTree(METADATA.toFile());
		List<JsonNode> properties = new ArrayList<>();
		metadata.get("properties").forEach(property -> {
			if (property.get("name").asString().startsWith(PREFIX)) {
				properties.add(property);
			}
		});
		properties.sort((a, b) -> a.get("name").asString().compareTo(b.get("name").asString()));
		return properties;
	}

	private static Set<String> knownProperties() throws IOException {
		Set<String> names = new HashSet<>();
		for (URL resource : Collections.list(ConfigurationReferenceTest.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = resource.openStream()) {
				JSON.readTree(in).path("properties").forEach(property -> names.add(property.get("name").asString()));
			}
		}
		return names;
	}

	private static RecordComponent component(Class<?> type, String kebab) {
		String camel = Pattern.compile("-([a-z0-9])").matcher(kebab).replaceAll(match -> match.group(1).toUpperCase());
		return Arrays.stream(type.getRecordComponents()).filter(component -> component.getName().equals(camel))
			.findFirst()
			.orElseThrow(() -> new AssertionError(type.getName() + " has no component " + camel));
	}

}
