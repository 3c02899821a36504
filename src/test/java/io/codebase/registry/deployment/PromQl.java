package io.codebase.registry.deployment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL and Prometheus text format to check that alert and dashboard queries select series the service
 * really exposes: the selectors of an expression, the samples of a scrape, and whether one matches the other.
 */
final class PromQl {

	/** Labels Prometheus adds to a target's series when it scrapes; the service never exposes them itself. */
	static final Set<String> TARGET_LABELS = Set.of("job", "instance", "namespace", "pod", "service", "container",
			"endpoint");

	private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";

	private static final Pattern SELECTOR = Pattern.compile("(" + NAME + ")\\s*\\{([^}]*)}");

	private static final Pattern MATCHER = Pattern
		.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final Pattern GROUPING = Pattern
		.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.])(" + NAME + ")(\\s*\\()?");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
			"group_left", "group_right", "bool", "offset");

	private PromQl() {
	}

	record LabelMatcher(String label, String operator, String value) {

		boolean matches(Map<String, String> labels) {
			String actual = labels.getOrDefault(this.label, "");
			return switch (this.operator) {
				case "=" -> actual.equals(this.value);
				case "!=" -> !actual.equals(this.value);
				case "=~" -> actual.matches(this.value);
				case "!~" -> !actual.matches(this.value);
				default -> throw new IllegalStateException(this.operator);
			};
		}

	}

	/** A metric name and its label matchers, without those on {@link #TARGET_LABELS}. */
	record Selector(String metric, List<LabelMatcher> matchers) {

		boolean matches(Sample sample) {
			return sample.metric().equals(this.metric)
					&& this.matchers.stream().allMatch(matcher -> matcher.matches(sample.labels()));
		}

		@Override
		public String toString() {
			return this.metric + this.matchers.stream()
				.map(m -> m.label() + m.operator() + "\"" + m.value() + "\"")
				.toList();
		}

	}

	record Sample(String metric, Map<String, String> labels) {
	}

	/** Every series selector of a PromQL expression (functions, keywords and grouping labels are not selectors). */
	static List<Selector> selectors(String expression) {
		List<Selector> selectors = new ArrayList<>();
		Matcher selector = SELECTOR.matcher(expression);
		StringBuilder rest = new StringBuilder();
		while (selector.find()) {
			List<LabelMatcher> matchers = new ArrayList<>();
			Matcher matcher = MATCHER.matcher(selector.group(2));
			while (matcher.find()) {
				if (!TARGET_LABELS.contains(matcher.group(1))) {
					matchers.add(new LabelMatcher(matcher.group(1), matcher.group(2), matcher.group(3)));
				}
			}
			selectors.add(new Selector(selector.group(1), List.copyOf(matchers)));
			selector.appendReplacement(rest, " ");
		}
		selector.appendTail(rest);
		String bare = GROUPING.matcher(rest.toString().replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ")
			.replaceAll("\\[[^]]*]", " ")).replaceAll(" ");
		Matcher identifier = IDENTIFIER.matcher(bare);
		while (identifier.find()) {
			if (identifier.group(2) == null && !KEYWORDS.contains(identifier.group(1))) {
				selectors.add(new Selector(identifier.group(1), List.of()));
			}
		}
		return selectors;
	}

	/** The samples of a scrape in the Prometheus text format (comments skipped). */
	static List<Sample> samples(String scrape) {
		List<Sample> samples = new ArrayList<>();
		for (String line : scrape.split("\n")) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			int brace = line.indexOf('{');
			int space = line.indexOf(' ');
			Map<String, String> labels = new LinkedHashMap<>();
			if (brace >= 0 && brace < space) {
				Matcher matcher = MATCHER.matcher(line.substring(brace, line.lastIndexOf('}')));
				while (matcher.find()) {
					labels.put(matcher.group(1), matcher.group(3));
				}
				samples.add(new Sample(line.substring(0, brace), labels));
			}
			else {
				samples.add(new Sample(line.substring(0, space), labels));
			}
		}
		return samples;
	}

}
