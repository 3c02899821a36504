package io.codebase.registry.project;

/**
 * Which projects a list page holds; {@code null} members do not filter.
 *
 * @param schemaVersion a project-schema version, or {@link #NO_SCHEMA_VERSION} for projects never migrated
 */
public record ProjectFilter(ProjectState state, IndexStatus indexStatus, String namePrefix, String schemaVersion) {

	/** The {@code schemaVersion} filter value that selects projects without a schema version. */
	public static final String NO_SCHEMA_VERSION = "none";

}
