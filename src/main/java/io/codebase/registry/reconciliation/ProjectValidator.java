package io.codebase.registry.reconciliation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.codebase.registry.project.ProjectProperties;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.reconciliation.ValidationReport.Issue;
import io.codebase.registry.reconciliation.ValidationReport.Kind;
import io.codebase.registry.session.WorkingDirectories;

import org.springframework.stereotype.Component;

/**
 * Checks one project against the world: its source path on disk (only under the allowed roots, so the API
 * cannot be used to probe the server's file system), its database on the server, and its lifecycle state.
 */
@Component
public class ProjectValidator {

	private final DatabaseProvisioner provisioner;

	private final WorkingDirectories workingDirectories;

	private final Duration stuckAfter;

	ProjectValidator(DatabaseProvisioner provisioner, WorkingDirectories workingDirectories,
			ProjectProperties properties) {
		this.provisioner = provisioner;
		this.workingDirectories = workingDirectories;
		this.stuckAfter = properties.stuckAfter();
	}

	public ValidationReport validate(ProjectView project) {
		return validate(project, this.provisioner::databaseExists);
	}

	/**
	 * The same checks, with the database lookup supplied: the reconciler checks every project against one
	 * listing of the server's databases instead of asking once per project.
	 */
	ValidationReport validate(ProjectView project, Predicate<String> databaseExists) {
		List<Issue> issues = new ArrayList<>();
		checkSourcePath(project, issues);
		checkLifecycle(project, databaseExists, issues);
		return new ValidationReport(project.id(), project.name(), project.state(), issues.isEmpty(), Instant.now(),
				List.copyOf(issues));
	}

	private void checkSourcePath(ProjectView project, List<Issue> issues) {
		if (project.sourcePath() == null) {
			return;
		}
		String fix = "PATCH /api/v1/projects/" + project.id() + " with the sourcePath where the code now lives, or "
				+ "DELETE the project";
		Path path;
		try {
			path = Path.of(project.sourcePath()).toAbsolutePath().normalize();
		}
		catch (InvalidPathException ex) {
			issues.add(new Issue(Kind.SOURCE_PATH_MISSING, project.sourcePath() + " is not a valid path", fix));
			return;
		}
		Path real;
		try {
			real = path.toRealPath();
		}
		catch (IOException ex) {
			if (this.workingDirectories.rootOf(path).isEmpty()) {
				issues.add(notChecked(project));
			}
			else {
				issues.add(new Issue(Kind.SOURCE_PATH_MISSING, project.sourcePath() + " does not exist", fix));
			}
			return;
		}
		if (this.workingDirectories.rootOf(real).isEmpty()) {
			issues.add(notChecked(project));
		}
		else if (!Files.isDirectory(real)) {
			issues.add(new Issue(Kind.SOURCE_PATH_NOT_DIRECTORY, project.sourcePath() + " is not a directory", fix));
		}
	}

	private static Issue notChecked(ProjectView project) {
		return new Issue(Kind.SOURCE_PATH_NOT_CHECKED, project.sourcePath()
				+ " is outside the allowed roots (registry.sessions.allowed-roots), so it is not checked",
				"Check it on the client, or add its root to registry.sessions.allowed-roots");
	}

	private void checkLifecycle(ProjectView project, Predicate<String> databaseExists, List<Issue> issues) {
		boolean stuck = project.updatedAt().isBefore(Instant.now().minus(this.stuckAfter));
		String provision = "POST /api/v1/projects/" + project.id() + "/provision";
		switch (project.state()) {
			case READY -> {
				if (!databaseExists.test(project.databaseName())) {
					issues.add(new Issue(Kind.DATABASE_MISSING, "database " + project.databaseName() + " does not exist",
							"Restore it from a backup, or " + provision + " to create it again (empty)"));
				}
			}
			case FAILED -> issues.add(new Issue(Kind.PROVISIONING_FAILED, String.valueOf(project.lastError()),
					"Fix the cause, then " + provision));
			case PROVISIONING -> {
				if (stuck) {
					issues.add(new Issue(Kind.STUCK_PROVISIONING, "provisioning since " + project.updatedAt(), provision));
				}
			}
			case DELETING -> {
				if (stuck) {
					issues.add(new Issue(Kind.STUCK_DELETING, "deleting since " + project.updatedAt()
							+ (project.lastError() != null ? ": " + project.lastError() : ""),
							"DELETE /api/v1/projects/" + project.id() + " again"));
				}
			}
		}
	}

}
