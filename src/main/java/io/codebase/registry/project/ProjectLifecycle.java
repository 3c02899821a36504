package io.codebase.registry.project;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.fleet.ServerUnavailableException;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.provisioning.ProvisioningException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Creating and deleting projects and their databases, and the state changes in between. PostgreSQL is the single
 * source of truth: nothing is returned or cached before its row is committed, and provisioning is write-ahead (the
 * row first, then the database, then READY), so a crash at any step leaves a row that says what is unfinished.
 */
@Service
public class ProjectLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ProjectLifecycle.class);

	/** Attempts at a database name that no other project holds; a clash needs two 1-in-4-billion coincidences. */
	private static final int NAME_ATTEMPTS = 3;

	/**
	 * States a delete may start from, once it owns the project: a PROVISIONING row that nobody else owns was
	 * abandoned, and is deleted like any other.
	 */
	private static final Set<ProjectState> DELETABLE = Set.of(ProjectState.READY, ProjectState.FAILED,
			ProjectState.DELETING, ProjectState.PROVISIONING);

	private final ProjectRows rows;

	private final ProjectProvisioning provisioning;

	private final ProjectRules rules;

	private final Metadata metadata;

	private final DatabaseProvisioner provisioner;

	private final ProvisioningOwnership ownership;

	private final ProjectProperties properties;

	private final DatabaseServers servers;

	private final ProjectDatabaseAccess access;

	ProjectLifecycle(ProjectRows rows, ProjectProvisioning provisioning, ProjectRules rules, Metadata metadata,
			DatabaseProvisioner provisioner, ProvisioningOwnership ownership, ProjectProperties properties,
			DatabaseServers servers, ProjectDatabaseAccess access) {
		this.access = access;
		this.servers = servers;
		this.rows = rows;
		this.provisioning = provisioning;
		this.rules = rules;
		this.metadata = metadata;
		this.provisioner = provisioner;
		this.ownership = ownership;
		this.properties = properties;
	}

	/**
	 * Registers a project and creates its database. Returns only once the project is READY; a provisioning
	 * failure leaves it FAILED (with the reason) and throws {@link ProvisioningFailedException}.
	 */
	public ProjectView create(CreateProjectRequest request) {
		this.rules.requireValid(request);
		String metadataJson = this.metadata.encode(request.metadata());
		for (int attempt = 1; attempt <= NAME_ATTEMPTS; attempt++) {
			UUID id = UUID.randomUUID();
			String databaseName = this.provisioner.databaseNameFor(request.name(), id);
			// Owned before the row exists, so nobody takes the new row for abandoned work.
			try (ProvisioningOwnership.Ownership owned = this.ownership.acquire(id, request.name(),
					this.properties.provisioningWait())) {
				ProjectRows.Insertion insertion = this.rows.insert(new ProjectRows.NewRow(id, request.name(),
						request.description(), databaseName, request.sourcePath(), metadataJson, IndexStatus.NOT_INDEXED,
						request.placement()),
						refused -> (refused == ProjectRows.Clash.NAME) ? ProjectConflictException.nameTaken(request.name())
								: null);
				if (insertion.inserted()) {
					this.rows.auditCreate(insertion, "api");
					return this.provisioning.provision(owned, id).withPlacement(insertion.placement());
				}
			}
			log.warn("Database name {} or id {} is taken by another project; trying another id", databaseName, id);
		}
		throw new IllegalStateException("No free database name for project '" + request.name() + "'");
	}

	/**
	 * Deletes a project and drops its database: DELETING is committed first, then the database is dropped, then
	 * the row goes, all under the project's ownership (a provisioning in progress is waited for, bounded). A
	 * failed drop keeps the row in DELETING so the delete can be repeated.
	 */
	public void delete(UUID id, String ifMatch) {
		ProjectView seen = this.rows.committed(id);
		try (ProvisioningOwnership.Ownership owned = this.ownership.acquire(id, seen.name(),
				this.properties.provisioningWait())) {
			deleteOwned(id, ifMatch);
		}
	}

	private void deleteOwned(UUID id, String ifMatch) {
		ProjectView deleting = this.rows.step(SyncOperation.DELETE, tx -> {
			Project project = this.rows.load(id);
			if (ifMatch != null && !ETags.matches(ifMatch, project.getVersion())) {
				throw new VersionMismatchException(ifMatch, project.getVersion());
			}
			return this.rows.transition(this.rows.view(project), DELETABLE, ProjectState.DELETING, null,
					"deleted while provisioning");
		});
		try {
			DatabaseServer server = this.servers.server(deleting.server());
			this.provisioner.dropDatabase(server, deleting.databaseName());
			// After the database: its roles own and hold privileges in it until it is gone.
			this.access.release(server, deleting.databaseName());
		}
		catch (ProvisioningException ex) {
			this.rows.step(SyncOperation.DELETE, tx -> this.rows.transition(deleting, Set.of(ProjectState.DELETING),
					ProjectState.DELETING, ex.getMessage(), "deleted"));
			this.rows.auditDelete(deleting, "drop-failed");
			if (ex.serverUnreachable()) {
				throw new ServerUnavailableException(deleting.server(),
						"cannot be reached; the project stays DELETING until it can: " + ex.getMessage());
			}
			throw new ProvisioningFailedException(id, ProjectState.DELETING, ex.getMessage(),
					"DELETE /api/v1/projects/" + id);
		}
		this.rows.commit(SyncOperation.DELETE, tx -> {
			this.rows.delete(deleting);
			return null;
		});
		log.info("Deleted project {} ({}) and dropped database {}", deleting.name(), id, deleting.databaseName());
		this.rows.auditDelete(deleting, "deleted");
	}

	/**
	 * Whether a live replica is creating or dropping this project's database right now. A PROVISIONING or
	 * DELETING project that nobody is working on was abandoned (its owner died) and may be finished at once.
	 */
	public boolean isBeingProvisioned(UUID id) {
		return this.ownership.isOwned(id);
	}

	/**
	 * Finishes provisioning of a FAILED (or interrupted) project. A READY project is returned as it is, after
	 * creating its database again (empty) if it has gone missing.
	 */
	public ProjectView retryProvisioning(UUID id) {
		return this.provisioning.retry(id);
	}

	/**
	 * Takes a READY project whose database has gone out of READY: FAILED, with the reason in lastError, so it is
	 * no longer handed out as usable and {@code POST /provision} (or a get-or-create) creates the database again.
	 * False when the project is no longer READY or its database is back.
	 */
	public boolean markDatabaseMissing(UUID id, String reason) {
		Optional<ProvisioningOwnership.Ownership> owned = this.ownership.tryAcquire(id);
		if (owned.isEmpty()) {
			return false;
		}
		try (ProvisioningOwnership.Ownership ownership = owned.get()) {
			ProjectView current = this.rows.committed(id);
			if (current.state() != ProjectState.READY
					|| this.provisioner.databaseExists(this.servers.server(current.server()), current.databaseName())) {
				return false;
			}
			return this.rows.commit(SyncOperation.PROVISION,
					tx -> this.rows.tryTransition(current, Set.of(ProjectState.READY), ProjectState.FAILED, reason));
		}
	}

	/**
	 * Records the schema version a project's database reached outside provisioning (a schema rollout). A new
	 * version is a change of the project: its version (ETag) goes up and every cache forgets it.
	 */
	public ProjectView recordSchemaVersion(UUID id, String schemaVersion) {
		return this.rows.recordSchemaVersion(id, schemaVersion);
	}

}
