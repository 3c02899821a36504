package io.codebase.registry.project;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.problem.FieldProblem;
import io.codebase.registry.problem.InvalidRequestException;

import org.springframework.stereotype.Service;

/** Projects carried over from another registry, keeping their ids (and database names, when they have one). */
@Service
public class ProjectImports {

	private final ProjectRepository repository;

	private final ProjectRows rows;

	private final ProjectProvisioning provisioning;

	private final ProjectGetOrCreate getOrCreate;

	private final ProjectRules rules;

	private final Metadata metadata;

	private final DatabaseProvisioner provisioner;

	private final ProvisioningOwnership ownership;

	private final ProjectProperties properties;

	ProjectImports(ProjectRepository repository, ProjectRows rows, ProjectProvisioning provisioning,
			ProjectGetOrCreate getOrCreate, ProjectRules rules, Metadata metadata, DatabaseProvisioner provisioner,
			ProvisioningOwnership ownership, ProjectProperties properties) {
		this.ownership = ownership;
		this.properties = properties;
		this.repository = repository;
		this.rows = rows;
		this.provisioning = provisioning;
		this.getOrCreate = getOrCreate;
		this.rules = rules;
		this.metadata = metadata;
		this.provisioner = provisioner;
	}

	/**
	 * Registers a project carried over from another registry. Idempotent: a project already registered with this
	 * id and name is returned as it is (READY), also when a concurrent import of the same file registered it first.
	 */
	public EnsuredProject register(ImportedProject imported) {
		this.rules.requireValid(new CreateProjectRequest(imported.name(), imported.description(),
				imported.sourcePath(), imported.metadata()));
		String metadataJson = this.metadata.encode(imported.metadata());
		Optional<EnsuredProject> registered = registeredAlready(imported);
		if (registered.isPresent()) {
			return registered.get();
		}
		String databaseName = (imported.databaseName() != null) ? imported.databaseName()
				: this.provisioner.databaseNameFor(imported.name(), imported.id());
		try (ProvisioningOwnership.Ownership owned = this.ownership.acquire(imported.id(), imported.name(),
				this.properties.provisioningWait())) {
			Optional<EnsuredProject> inserted = insertOwned(owned, imported, databaseName, metadataJson);
			if (inserted.isPresent()) {
				return inserted.get();
			}
		}
		// A concurrent import of the same project won: take its result.
		return registeredAlready(imported).orElseThrow();
	}

	private Optional<EnsuredProject> insertOwned(ProvisioningOwnership.Ownership owned, ImportedProject imported,
			String databaseName, String metadataJson) {
		ProjectRows.Insertion insertion = this.rows.insert(new ProjectRows.NewRow(imported.id(), imported.name(),
				imported.description(), databaseName, imported.sourcePath(), metadataJson, imported.indexStatus(),
				imported.placement()),
				refused -> sameProjectExists(imported) ? null : switch (refused) {
					case NAME -> ProjectConflictException.nameTaken(imported.name());
					case DATABASE -> ProjectConflictException.databaseTaken(databaseName);
					case ID -> ProjectConflictException.idTaken(imported.id(), imported.name());
					case GONE -> new ProjectBusyException(imported.name(), imported.id());
				});
		if (!insertion.inserted()) {
			return Optional.empty();
		}
		this.rows.auditCreate(insertion, "import");
		return Optional.of(new EnsuredProject(
				this.provisioning.provision(owned, imported.id()).withPlacement(insertion.placement()), true));
	}

	private boolean sameProjectExists(ImportedProject imported) {
		return this.rows.committedIfPresent(imported.id()).filter(existing -> isTheImported(existing, imported)).isPresent();
	}

	/** A project with the imported id is the imported project when the names agree (regardless of case). */
	private static boolean isTheImported(ProjectView existing, ImportedProject imported) {
		return ProjectName.key(existing.name()).equals(ProjectName.key(imported.name()));
	}

	/**
	 * What would make {@link #register(ImportedProject)} refuse these projects, checked without writing anything:
	 * the rules of a new project, and a database name that another project holds (one query for the whole batch).
	 * Each problem is handed to {@code problem} with its entry.
	 */
	public void checkAll(List<ImportedProject> batch, BiConsumer<ImportedProject, FieldProblem> problem) {
		List<String> databaseNames = batch.stream().map(ImportedProject::databaseName).filter(Objects::nonNull).toList();
		Map<String, Project> owners = new HashMap<>();
		if (!databaseNames.isEmpty()) {
			this.repository.findByDatabaseNameIn(databaseNames).forEach(owner -> owners.put(owner.getDatabaseName(), owner));
		}
		for (ImportedProject imported : batch) {
			this.rules.problemsOf(new CreateProjectRequest(imported.name(), imported.description(), imported.sourcePath(),
					imported.metadata())).forEach(found -> problem.accept(imported, found));
			try {
				this.metadata.encode(imported.metadata());
			}
			catch (InvalidRequestException ex) {
				problem.accept(imported, new FieldProblem("metadata", ex.detail()));
			}
			Project owner = owners.get(imported.databaseName());
			if (owner != null && !owner.getId().equals(imported.id())) {
				problem.accept(imported, new FieldProblem("databaseName",
						imported.databaseName() + " belongs to the existing project '" + owner.getName() + "'"));
			}
		}
	}

	/** The project with the imported id, made READY, when it exists under the imported name. */
	private Optional<EnsuredProject> registeredAlready(ImportedProject imported) {
		Optional<ProjectView> existing = this.rows.committedIfPresent(imported.id());
		if (existing.isEmpty()) {
			return Optional.empty();
		}
		if (!isTheImported(existing.get(), imported)) {
			throw ProjectConflictException.idTaken(imported.id(), imported.name());
		}
		return Optional.of(new EnsuredProject(this.getOrCreate.ensureReady(existing.get(), CreationPolicy.MAY_CREATE), false));
	}

}
