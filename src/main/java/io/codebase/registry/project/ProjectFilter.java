package io.codebase.registry.project;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.codebase.registry.problem.FieldProblem;

/**
 * Which projects a list page holds; {@code null} members do not filter.
 *
 * @param schemaVersion a project-schema version, or {@link #NO_SCHEMA_VERSION} for projects never migrated
 */
public record ProjectFilter(ProjectState state, IndexStatus indexStatus, String namePrefix, String schemaVersion) {

	/** The {@code schemaVersion} filter value that selects projects without a schema version. */
	public static final String NO_SCHEMA_VERSION = "none";

	/** Longest project name, so also the longest prefix that can match one. */
	private static final int MAX_NAME_LENGTH = 255;

	private static final Pattern SCHEMA_VERSION = Pattern.compile("[0-9]{1,20}(\\.[0-9]{1,20}){0,5}");

	private static final Pattern NAME_PREFIX = Pattern.compile("[^\\p{Cntrl}]{0," + MAX_NAME_LENGTH + "}");

	/** What is wrong with a {@code schemaVersion} selector (a list filter or a rollout's), if anything. */
	public static Optional<FieldProblem> schemaVersionProblem(String schemaVersion) {
		if (schemaVersion == null || NO_SCHEMA_VERSION.equals(schemaVersion)
				|| SCHEMA_VERSION.matcher(schemaVersion).matches()) {
			return Optional.empty();
		}
		return Optional.of(new FieldProblem("schemaVersion", "must be a version such as 1 or 2.1, or " + NO_SCHEMA_VERSION));
	}

	/** The filter's problems: values no project could match are refused rather than sent to PostgreSQL. */
	List<FieldProblem> problems() {
		List<FieldProblem> problems = new ArrayList<>();
		if (this.namePrefix != null && !NAME_PREFIX.matcher(this.namePrefix).matches()) {
			problems.add(new FieldProblem("namePrefix",
					"must be at most " + MAX_NAME_LENGTH + " characters without control characters"));
		}
		schemaVersionProblem(this.schemaVersion).ifPresent(problems::add);
		return problems;
	}

}
