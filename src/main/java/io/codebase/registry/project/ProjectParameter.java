package io.codebase.registry.project;

/**
 * How every operation on one project names it: {@code /api/v1/projects/{project}}, an id or a name, read with
 * {@link ProjectReader#get(String)}. One parameter for every operation, so the paths of a project are one
 * template and a name works wherever an id does.
 */
public final class ProjectParameter {

	public static final String PATH = "/api/v1/projects/{project}";

	public static final String DESCRIPTION = "The project: its id (a UUID), or its name (case-insensitive). A "
			+ "project named like a UUID is found by that name when no project has it as its id.";

	public static final String EXAMPLE = "payments";

	private ProjectParameter() {
	}

}
