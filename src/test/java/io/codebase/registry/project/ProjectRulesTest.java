package io.codebase.registry.project;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The small rules of the project package, without a database. */
class ProjectRulesTest {

	@ParameterizedTest
	@ValueSource(strings = { "a", "Payments Service", "my-app", "my_app", "0f8fad5b-d9cb-469f-a165-70867728950e", "A1 b2-c3_d4" })
	void acceptsCodebaseMcpNames(String name) {
		assertThat(ProjectName.isValid(name)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " a", "a ", "-a", "a_", "a\tb", "a\nb", "caf\u00e9", "a/b", "a.b", "a;b", "a\"b", "\u0430pp" })
	void refusesEverythingElse(String name) {
		assertThat(ProjectName.isValid(name)).isFalse();
	}

	@Test
	void namesAreAtMost255Characters() {
		assertThat(ProjectName.isValid("a".repeat(255))).isTrue();
		assertThat(ProjectName.isValid("a".repeat(256))).isFalse();
		assertThat(ProjectName.isValid(null)).isFalse();
	}

	@Test
	void mergePatchFollowsRfc7396() {
		Map<String, Object> target = new LinkedHashMap<>();
		target.put("title", "Goodbye!");
		target.put("author", Map.of("givenName", "John", "familyName", "Doe"));
		target.put("tags", java.util.List.of("example", "sample"));
		target.put("content", "This will be unchanged");
		Map<String, Object> author = new LinkedHashMap<>();
		author.put("familyName", null);
		Map<String, Object> patch = new LinkedHashMap<>();
		patch.put("title", "Hello!");
		patch.put("phoneNumber", "+01-123-456-7890");
		patch.put("author", author);
		patch.put("tags", java.util.List.of("example"));

		assertThat(MergePatch.apply(target, patch)).isEqualTo(Map.of("title", "Hello!", "author",
				Map.of("givenName", "John"), "tags", java.util.List.of("example"), "content", "This will be unchanged",
				"phoneNumber", "+01-123-456-7890"));
	}

	@Test
	void ifMatchUsesStrongComparison() {
		assertThat(ETags.of(3)).isEqualTo("\"3\"");
		assertThat(ETags.matches("\"3\"", 3)).isTrue();
		assertThat(ETags.matches("\"1\", \"3\"", 3)).isTrue();
		assertThat(ETags.matches("*", 3)).isTrue();
		assertThat(ETags.matches("W/\"3\"", 3)).isFalse();
		assertThat(ETags.matches("\"2\"", 3)).isFalse();
		assertThat(ETags.matches("3", 3)).isFalse();
	}

}
