package io.codebase.registry.transfer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.project.EnsuredProject;
import io.codebase.registry.project.ImportedProject;
import io.codebase.registry.project.ProjectImports;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectName;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.session.SessionId;
import io.codebase.registry.session.SessionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Imports the old registry file, or this service's export. All-or-nothing up to the first write: the whole file
 * is read and checked, and clashes with existing projects are found, before any project is registered.
 */
@Service
class ImportService {

	private static final Logger log = LoggerFactory.getLogger(ImportService.class);

	/** Entries checked against the registry per query: a 16 MB file holds about 40,000. */
	private static final int BATCH = 1000;

	/** What to do with an entry that clashes with an existing project. */
	enum OnConflict {

		/** Import nothing and answer 409 listing the clashes. */
		FAIL,
		/** Import the other entries and report the clashes as skipped. */
		SKIP

	}

	private final ImportFiles files;

	private final ProjectLookup projects;

	private final ProjectImports imports;

	private final ProjectLifecycle lifecycle;

	private final SessionService sessions;

	ImportService(ImportFiles files, ProjectLookup projects, ProjectImports imports, ProjectLifecycle lifecycle,
			SessionService sessions) {
		this.files = files;
		this.projects = projects;
		this.imports = imports;
		this.lifecycle = lifecycle;
		this.sessions = sessions;
	}

	ImportReport importFile(String text, OnConflict onConflict, boolean normalizeNames, String sessionId) {
		if (sessionId != null) {
			SessionId.require(sessionId);
		}
		ImportFiles.Parsed parsed = this.files.parse(text, normalizeNames);
		List<ImportReport.Entry> unchanged = new ArrayList<>();
		List<ImportProblem> clashes = new ArrayList<>();
		List<ImportedProject> toImport = new ArrayList<>();
		List<ImportProblem> invalid = new ArrayList<>();
		for (List<ImportedProject> batch : batches(parsed.projects())) {
			this.imports.checkAll(batch, (project, problem) ->
				invalid.add(new ImportProblem(project.id().toString(), problem.field(), problem.message())));
		}
		if (!invalid.isEmpty()) {
			throw InvalidImportException.invalidEntries(invalid);
		}
		for (List<ImportedProject> batch : batches(parsed.projects())) {
			classify(batch, unchanged, clashes, toImport);
		}
		if (!clashes.isEmpty() && onConflict == OnConflict.FAIL) {
			throw new ImportConflictException(clashes);
		}
		List<ImportReport.Entry> imported = new ArrayList<>();
		for (ImportedProject project : toImport) {
			try {
				EnsuredProject registered = this.imports.register(project);
				(registered.created() ? imported : unchanged).add(entry(registered.project()));
			}
			catch (RegistryException ex) {
				// Whatever stops an import midway (a failed database, a clash with a concurrent writer) says what
				// was already imported, so the caller knows what the registry now holds.
				ex.with("imported", imported);
				throw ex;
			}
		}
		log.info("Imported {} projects from a {} file ({} unchanged, {} skipped)", imported.size(), parsed.format(),
				unchanged.size(), clashes.size());
		boolean activeWasImported = Stream.concat(imported.stream(), unchanged.stream())
			.anyMatch(entry -> entry.id().equals(parsed.activeProject()));
		return new ImportReport(parsed.format(), imported, unchanged, clashes, parsed.renamed(),
				activeWasImported ? activeProject(parsed.activeProject(), sessionId) : null);
	}

	/**
	 * Sorts a batch of entries by what the registry holds, read in one query, so both the id and the name of an
	 * entry are seen in one snapshot: registered already (the same id and name), a clash, or to import.
	 */
	private void classify(List<ImportedProject> batch, List<ImportReport.Entry> unchanged, List<ImportProblem> clashes,
			List<ImportedProject> toImport) {
		Map<UUID, ProjectView> byId = new HashMap<>();
		Map<String, ProjectView> byName = new HashMap<>();
		for (ProjectView existing : this.projects.committedWithIdsOrNames(
				batch.stream().map(ImportedProject::id).toList(), batch.stream().map(ImportedProject::name).toList())) {
			byId.put(existing.id(), existing);
			byName.put(ProjectName.key(existing.name()), existing);
		}
		for (ImportedProject project : batch) {
			Optional<ProjectView> sameId = Optional.ofNullable(byId.get(project.id()));
			Optional<ProjectView> sameName = Optional.ofNullable(byName.get(ProjectName.key(project.name())));
			if (sameId.isPresent() && sameId.get().name().equalsIgnoreCase(project.name())) {
				// Already registered: a re-import finishes what an interrupted one left (a FAILED provisioning);
				// projects being provisioned or deleted by someone else are left to them.
				ProjectView existing = sameId.get();
				unchanged.add(entry((existing.state() == ProjectState.FAILED)
						? this.lifecycle.retryProvisioning(existing.id()) : existing));
			}
			else if (sameId.isPresent()) {
				clashes.add(new ImportProblem(project.id().toString(), "project_id",
						"belongs to the existing project '" + sameId.get().name() + "'"));
			}
			else if (sameName.isPresent()) {
				clashes.add(new ImportProblem(project.id().toString(), "name",
						"'" + project.name() + "' is the name of the existing project " + sameName.get().id()));
			}
			else {
				toImport.add(project);
			}
		}
	}

	private static List<List<ImportedProject>> batches(List<ImportedProject> entries) {
		List<List<ImportedProject>> batches = new ArrayList<>();
		for (int from = 0; from < entries.size(); from += BATCH) {
			batches.add(entries.subList(from, Math.min(entries.size(), from + BATCH)));
		}
		return batches;
	}

	/** Reports the old registry's active project, and makes it the session's active project when one is named. */
	private ImportReport.ActiveProject activeProject(UUID activeProject, String sessionId) {
		ProjectView project = this.projects.committed().get(activeProject);
		if (sessionId != null) {
			this.sessions.setActiveProject(sessionId, activeProject.toString());
		}
		return new ImportReport.ActiveProject(activeProject, project.name(), sessionId);
	}

	private static ImportReport.Entry entry(ProjectView project) {
		return new ImportReport.Entry(project.id(), project.name(), project.databaseName());
	}

}
