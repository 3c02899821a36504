package io.codebase.registry.project;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import io.codebase.registry.fleet.Placement;
import io.codebase.registry.fleet.PlacementDecision;
import io.codebase.registry.fleet.PlacementRequest;
import io.codebase.registry.security.Audit;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionCallback;

/**
 * The writes every lifecycle path is made of: the one insert of a write-ahead row, conditional state changes,
 * and the events that make every cache forget a changed project once its transaction commits.
 */
@Component
class ProjectRows {

	/** Which unique rule a refused insert ran into, checked in this order. */
	enum Clash {

		/** Another project has the name (regardless of case). */
		NAME,

		/** Another project has the database name. */
		DATABASE,

		/** Another project has the id. */
		ID,

		/** The clashing row was deleted before it could be named: trying again may succeed. */
		GONE

	}

	/** A PROVISIONING row to insert, on a server the placement chooses within {@code placement}. */
	record NewRow(UUID id, String name, String description, String databaseName, String sourcePath,
			String metadataJson, IndexStatus indexStatus, PlacementRequest placement) {
	}

	/**
	 * What an insert of {@code row} did: placed and committed it, or ran into {@code clash} (then nothing was
	 * written).
	 */
	record Insertion(NewRow row, PlacementDecision placement, Clash clash) {

		boolean inserted() {
			return this.clash == null;
		}

	}

	private final ProjectRepository repository;

	private final RegistryWrites writes;

	private final ApplicationEventPublisher events;

	private final Audit audit;

	private final ProjectConnections connections;

	private final Placement placement;

	ProjectRows(ProjectRepository repository, RegistryWrites writes, ApplicationEventPublisher events, Audit audit,
			ProjectConnections connections, Placement placement) {
		this.repository = repository;
		this.connections = connections;
		this.placement = placement;
		this.writes = writes;
		this.events = events;
		this.audit = audit;
	}

	/**
	 * Step 1 of provisioning: places the project on a server and commits the PROVISIONING row there, in one
	 * transaction, or says which rule refused it. Concurrent inserts of one name wait for each other in PostgreSQL,
	 * so exactly one wins and the others see its committed row. No eligible server: nothing is written.
	 * {@code refusal} decides, inside the write, which clashes are the caller's error (the exception it returns is
	 * thrown and counted as rejected) and which the caller handles (null: the clash is returned).
	 */
	Insertion insert(NewRow row, Function<Clash, RuntimeException> refusal) {
		return this.writes.commit(SyncOperation.CREATE, tx -> {
			PlacementDecision placed = this.placement.place(row.placement());
			if (this.repository.insertProvisioning(row.id(), row.name(), row.description(), row.databaseName(),
					row.sourcePath(), row.metadataJson(), row.indexStatus().name(), placed.server()) == 1) {
				this.events.publishEvent(new ProjectChanged(row.id(), null, row.name()));
				return new Insertion(row, placed, null);
			}
			Clash clash = clashOf(row);
			RuntimeException refused = refusal.apply(clash);
			if (refused != null) {
				throw refused;
			}
			return new Insertion(row, placed, clash);
		});
	}

	private Clash clashOf(NewRow row) {
		if (this.repository.existsByNameKey(ProjectName.key(row.name()))) {
			return Clash.NAME;
		}
		if (this.repository.existsByDatabaseName(row.databaseName())) {
			return Clash.DATABASE;
		}
		return this.repository.existsById(row.id()) ? Clash.ID : Clash.GONE;
	}

	/** Runs the write that completes {@code operation} in its own transaction, counted in {@code registry.sync}. */
	<T> T commit(SyncOperation operation, TransactionCallback<T> write) {
		return this.writes.commit(operation, write);
	}

	/** Runs a write on the way to completing {@code operation} in its own transaction; see {@link RegistryWrites#step}. */
	<T> T step(SyncOperation operation, TransactionCallback<T> write) {
		return this.writes.step(operation, write);
	}

	/**
	 * A conditional state change, inside the caller's transaction; refused with a 409 naming the current state
	 * when the project is no longer in one of {@code from}.
	 */
	ProjectView transition(ProjectView project, Set<ProjectState> from, ProjectState to, String lastError,
			String action) {
		if (!tryTransition(project, from, to, lastError)) {
			throw ProjectConflictException.wrongState(committed(project.id()), action);
		}
		return committed(project.id());
	}

	/** Like {@link #transition}, but false instead of a 409 when the state moved on. */
	boolean tryTransition(ProjectView project, Set<ProjectState> from, ProjectState to, String lastError) {
		if (this.repository.transition(project.id(), from, to, lastError, Project.now()) == 0) {
			return false;
		}
		changed(project);
		return true;
	}

	/** PROVISIONING to READY with the schema version reached, inside the caller's transaction. */
	boolean markReady(ProjectView project, String schemaVersion) {
		if (this.repository.markReady(project.id(), schemaVersion, Project.now()) == 0) {
			return false;
		}
		changed(project);
		return true;
	}

	/**
	 * Records, in its own transaction, a schema version the project's database reached; a new version is a change
	 * of the project (its ETag goes up and every cache forgets it). Returns the project as committed.
	 */
	ProjectView recordSchemaVersion(UUID id, String schemaVersion) {
		return commit(SyncOperation.SCHEMA_VERSION, tx -> {
			if (this.repository.recordSchemaVersion(id, schemaVersion, Project.now()) == 1) {
				changed(committed(id));
			}
			return committed(id);
		});
	}

	/** Removes a DELETING row, inside the caller's transaction; a row a concurrent delete removed first is gone too. */
	void delete(ProjectView project) {
		if (this.repository.deleteDeleting(project.id()) == 1) {
			this.events.publishEvent(new ProjectChanged(project.id(), project.name(), null));
		}
	}

	/** The row as committed now; a project that is gone is a 404. */
	ProjectView committed(UUID id) {
		return committedIfPresent(id).orElseThrow(() -> new ProjectNotFoundException(id.toString()));
	}

	Optional<ProjectView> committedIfPresent(UUID id) {
		return this.repository.findById(id).map(this.connections::view);
	}

	/** The entity to change inside the caller's transaction; a project that is gone is a 404. */
	Project load(UUID id) {
		return this.repository.findById(id).orElseThrow(() -> new ProjectNotFoundException(id.toString()));
	}

	/** Saves a changed entity, failing on a concurrent write (optimistic lock) at flush. */
	void saveAndFlush(Project project) {
		this.repository.saveAndFlush(project);
	}

	/** The row as the API shows it. */
	ProjectView view(Project project) {
		return this.connections.view(project);
	}

	/** Makes every cache forget the project once the current transaction commits. */
	ProjectView changed(ProjectView project) {
		this.events.publishEvent(new ProjectChanged(project.id(), project.name(), project.name()));
		return project;
	}

	/** The audit event of a committed insert: from what was inserted, without reading the row back. */
	void auditCreate(Insertion insertion, String source) {
		NewRow row = insertion.row();
		this.audit.record("project.create", details(row.id(), row.name(), row.databaseName(), "source", source,
				"server", insertion.placement().server(), "placement", insertion.placement().reason()));
	}

	void auditDelete(ProjectView project, String result) {
		this.audit.record("project.delete", details(project, "result", result));
	}

	void auditRetry(ProjectView project, String reason) {
		this.audit.record("project.provisioning-retry", details(project, "state", project.state(), "reason", reason));
	}

	/** The project's id, name and database name, then the given key-value pairs. */
	private static Map<String, Object> details(ProjectView project, Object... more) {
		return details(project.id(), project.name(), project.databaseName(), more);
	}

	private static Map<String, Object> details(UUID id, String name, String databaseName, Object... more) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("projectId", id);
		details.put("name", name);
		details.put("databaseName", databaseName);
		for (int i = 0; i + 1 < more.length; i += 2) {
			details.put(String.valueOf(more[i]), more[i + 1]);
		}
		return details;
	}

}
