package io.codebase.registry.reconciliation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectProperties;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.provisioning.ProvisioningException;
import io.codebase.registry.reconciliation.ValidationReport.Issue;
import io.codebase.registry.reconciliation.ValidationReport.Kind;
import io.codebase.registry.session.WorkingDirectories;

import org.springframework.stereotype.Component;

/**
 * Checks one project against the world: its source path on disk (only under the allowed roots, so the API
 * cannot be used to probe the server's file system), its database on the server, and its lifecycle state. The
 * reconciler runs the same checks over every project.
 */
@Component
class ProjectValidator {

	private final DatabaseProvisioner provisioner;

	private final WorkingDirectories workingDirectories;

	private final Duration stuckAfter;

	private final ReconciliationPolicy policy;

	private final ProjectLifecycle lifecycle;

	private final DatabaseServers servers;

	ProjectValidator(DatabaseProvisioner provisioner, WorkingDirectories workingDirectories, ProjectLifecycle lifecycle,
			ProjectProperties properties, ReconciliationPolicy policy, DatabaseServers servers) {
		this.servers = servers;
		this.lifecycle = lifecycle;
		this.provisioner = provisioner;
		this.workingDirectories = workingDirectories;
		this.stuckAfter = properties.stuckAfter();
		this.policy = policy;
	}

	/** The validation report: the findings under the report's names, each with the fix by hand. */
	ValidationReport validate(ProjectView project) {
		Checks checks = check(project, databaseLookup(project));
		List<Issue> issues = new ArrayList<>();
		if (checks.sourcePathNotChecked()) {
			issues.add(new Issue(Kind.SOURCE_PATH_NOT_CHECKED, project.sourcePath()
					+ " is outside the allowed roots (registry.sessions.allowed-roots), so it is not checked",
					"Check it on the client, or add its root to registry.sessions.allowed-roots"));
		}
		for (Finding finding : checks.findings()) {
			issues.add(new Issue(finding.name(), finding.detail(), this.policy.manualFix(finding.kind(), project.id())));
		}
		return new ValidationReport(project.id(), project.name(), project.state(), issues.isEmpty(), Instant.now(),
				List.copyOf(issues));
	}

	/**
	 * Whether the project's database exists, asked of its server now; null when the server is down or not
	 * configured, so nothing about the database can be known.
	 */
	private Predicate<String> databaseLookup(ProjectView project) {
		Optional<DatabaseServer> server = this.servers.find(project.server());
		if (server.isEmpty()) {
			return null;
		}
		try {
			boolean exists = this.provisioner.databaseExists(server.get(), project.databaseName());
			return name -> exists;
		}
		catch (ProvisioningException ex) {
			if (ex.serverUnreachable()) {
				return null;
			}
			throw ex;
		}
	}

	/**
	 * The checks, with the database lookup supplied: the reconciler checks every project against one listing of
	 * the server's databases instead of asking once per project. {@code databaseExists} null: the project's server
	 * is unavailable, which is all that is said about its database and lifecycle.
	 */
	Checks check(ProjectView project, Predicate<String> databaseExists) {
		List<Finding> findings = new ArrayList<>();
		boolean checked = checkSourcePath(project, findings);
		checkLifecycle(project, databaseExists, findings);
		return new Checks(List.copyOf(findings), !checked);
	}

	/** False when the path lies outside the allowed roots, so was not looked at. */
	private boolean checkSourcePath(ProjectView project, List<Finding> findings) {
		if (project.sourcePath() == null) {
			return true;
		}
		Path path;
		try {
			path = Path.of(project.sourcePath()).toAbsolutePath().normalize();
		}
		catch (InvalidPathException ex) {
			findings.add(new Finding(DriftKind.MISSING_SOURCE_PATH, project.sourcePath() + " is not a valid path"));
			return true;
		}
		Path real;
		try {
			real = path.toRealPath();
		}
		catch (IOException ex) {
			if (this.workingDirectories.rootOf(path).isEmpty()) {
				return false;
			}
			findings.add(new Finding(DriftKind.MISSING_SOURCE_PATH, project.sourcePath() + " does not exist"));
			return true;
		}
		if (this.workingDirectories.rootOf(real).isEmpty()) {
			return false;
		}
		if (!Files.isDirectory(real)) {
			findings.add(new Finding(DriftKind.MISSING_SOURCE_PATH, Kind.SOURCE_PATH_NOT_DIRECTORY,
					project.sourcePath() + " is not a directory"));
		}
		return true;
	}

	private void checkLifecycle(ProjectView project, Predicate<String> databaseExists, List<Finding> findings) {
		if (databaseExists == null) {
			findings.add(new Finding(DriftKind.SERVER_UNAVAILABLE, "database server " + project.server()
					+ " is down or not configured; the project is " + project.state() + " and its database is not checked"));
			return;
		}
		switch (project.state()) {
			case READY -> {
				if (!databaseExists.test(project.databaseName())) {
					findings.add(new Finding(DriftKind.MISSING_DATABASE,
							"database " + project.databaseName() + " does not exist"));
				}
			}
			case FAILED -> findings.add(new Finding(DriftKind.FAILED, String.valueOf(project.lastError())));
			case PROVISIONING -> {
				if (stuck(project)) {
					findings.add(new Finding(DriftKind.STUCK_PROVISIONING, "provisioning since " + project.updatedAt()));
				}
			}
			case DELETING -> {
				if (stuck(project)) {
					findings.add(new Finding(DriftKind.LEFTOVER_DELETING, "deleting since " + project.updatedAt()
							+ (project.lastError() != null ? ": " + project.lastError() : "")));
				}
			}
		}
	}

	/**
	 * Unfinished work nobody is doing: no live owner holds the project (its owner died), or one has held it for
	 * longer than {@code stuck-after} (an owner alive but hung). Work in progress is not drift.
	 */
	private boolean stuck(ProjectView project) {
		return !this.lifecycle.isBeingProvisioned(project.id())
				|| project.updatedAt().isBefore(Instant.now().minus(this.stuckAfter));
	}

	/** What the checks of one project found, and whether its source path lay outside the allowed roots. */
	record Checks(List<Finding> findings, boolean sourcePathNotChecked) {
	}

}
