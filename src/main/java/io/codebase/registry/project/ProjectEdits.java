package io.codebase.registry.project;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.stereotype.Service;

/** Changes of a project's descriptive fields and index status, each conditional on the version the caller saw. */
@Service
class ProjectEdits {

	/** Attempts of an {@code If-Match: *} change that keeps losing to concurrent writes before it answers 412. */
	private static final int WILDCARD_ATTEMPTS = 10;

	private final ProjectRows rows;

	private final ProjectRules rules;

	private final Metadata metadata;

	ProjectEdits(ProjectRows rows, ProjectRules rules, Metadata metadata) {
		this.rows = rows;
		this.rules = rules;
		this.metadata = metadata;
	}

	/** Applies a merge patch to description, sourcePath and metadata, if {@code ifMatch} names the current version. */
	ProjectView update(UUID id, String ifMatch, ProjectPatch patch) {
		return changeIfMatch(SyncOperation.UPDATE, id, ifMatch, project -> {
			if (project.getState() == ProjectState.DELETING) {
				throw ProjectConflictException.wrongState(this.rows.view(project), "updated");
			}
			CreateProjectRequest patched = applyPatch(project, patch);
			project.describe(patched.description(), patched.sourcePath(), this.metadata.encode(patched.metadata()));
		});
	}

	/** Records a client's index-status report; the transition must be allowed (409 names the allowed ones). */
	ProjectView reportIndexStatus(UUID id, String ifMatch, IndexReport report) {
		this.rules.requireValid(report);
		return changeIfMatch(SyncOperation.INDEX_STATUS, id, ifMatch, project -> {
			requireReady(project, "indexed");
			if (!project.reportIndexStatus(report.status(), report.message(), report.reportedAt())) {
				throw ProjectConflictException.illegalIndexTransition(this.rows.view(project), report.status());
			}
		});
	}

	/** Starts indexing an INDEXED or FAILED project again (the old registry's "retrain"). */
	ProjectView reindex(UUID id, String ifMatch, String message) {
		return changeIfMatch(SyncOperation.INDEX_STATUS, id, ifMatch, project -> {
			requireReady(project, "reindexed");
			if (!project.reindex(message)) {
				throw ProjectConflictException.notReindexable(this.rows.view(project));
			}
		});
	}

	/**
	 * Loads, checks If-Match, changes and saves a project in one transaction. A concurrent write is a 412, unless
	 * the caller sent {@code If-Match: *}, which holds for any version: the change is then applied again to the
	 * version that won (bounded).
	 */
	private ProjectView changeIfMatch(SyncOperation operation, UUID id, String ifMatch, Consumer<Project> change) {
		if (ifMatch == null || ifMatch.isBlank()) {
			throw new IfMatchRequiredException();
		}
		for (int attempt = 1;; attempt++) {
			try {
				return changeOnce(operation, id, ifMatch, change);
			}
			catch (VersionMismatchException ex) {
				if (!ETags.isWildcard(ifMatch) || attempt >= WILDCARD_ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	private ProjectView changeOnce(SyncOperation operation, UUID id, String ifMatch, Consumer<Project> change) {
		return this.rows.commit(operation, tx -> {
			Project project = this.rows.load(id);
			if (!ETags.matches(ifMatch, project.getVersion())) {
				throw new VersionMismatchException(ifMatch, project.getVersion());
			}
			change.accept(project);
			try {
				this.rows.saveAndFlush(project);
			}
			catch (ObjectOptimisticLockingFailureException ex) {
				throw new VersionMismatchException(ifMatch, project.getVersion() + 1);
			}
			return this.rows.changed(this.rows.view(project));
		});
	}

	private void requireReady(Project project, String action) {
		if (project.getState() != ProjectState.READY) {
			throw ProjectConflictException.wrongState(this.rows.view(project), action + " before it is READY");
		}
	}

	/** The project as it would be after the patch, to be checked by the same rules as a new project. */
	@SuppressWarnings("unchecked")
	private CreateProjectRequest applyPatch(Project project, ProjectPatch patch) {
		Map<String, Object> current = new LinkedHashMap<>();
		current.put("description", project.getDescription());
		current.put("sourcePath", project.getSourcePath());
		current.put("metadata", this.metadata.decode(project.getMetadata()));
		Map<String, Object> patched = MergePatch.apply(current, patch.changes());
		CreateProjectRequest result = new CreateProjectRequest(project.getName(), (String) patched.get("description"),
				(String) patched.get("sourcePath"), (Map<String, Object>) patched.get("metadata"));
		this.rules.requireValid(result);
		return result;
	}

}
