package io.codebase.registry.project;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.fleet.ServerHealth;
import io.codebase.registry.fleet.ServerUnavailableException;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.provisioning.ProjectSchemas;
import io.codebase.registry.provisioning.ProvisioningException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Steps 2 and 3 of provisioning, after the write-ahead row: the database, the project schema, then READY. A
 * failure at either step leaves the project FAILED with the reason, never READY with half a schema.
 */
@Component
class ProjectProvisioning {

	/** Attempts at the grants of a READY project's database before a 502: a drop racing them ends in a re-create. */
	private static final int SECURE_ATTEMPTS = 3;

	private static final Duration SECURE_RETRY_PAUSE = Duration.ofMillis(250);

	private static final Logger log = LoggerFactory.getLogger(ProjectProvisioning.class);

	private final ProjectRows rows;

	private final DatabaseProvisioner provisioner;

	private final ProjectSchemas schemas;

	private final ProvisioningOwnership ownership;

	private final ProjectProperties properties;

	private final DatabaseServers servers;

	private final ServerHealth health;

	private final ProjectDatabaseAccess access;

	ProjectProvisioning(ProjectRows rows, DatabaseProvisioner provisioner, ProjectSchemas schemas,
			ProvisioningOwnership ownership, ProjectProperties properties, DatabaseServers servers,
			ServerHealth health, ProjectDatabaseAccess access) {
		this.access = access;
		this.servers = servers;
		this.health = health;
		this.rows = rows;
		this.provisioner = provisioner;
		this.schemas = schemas;
		this.ownership = ownership;
		this.properties = properties;
	}

	/**
	 * CREATE DATABASE (adopting our own), the project schema, then READY with the schema version, for a project
	 * whose ownership the caller holds. The row is read again under ownership: a project that is no longer
	 * PROVISIONING (finished by an earlier owner, or being deleted) is not touched.
	 */
	ProjectView provision(ProvisioningOwnership.Ownership owned, UUID id) {
		ProjectView project = this.rows.committed(id);
		if (project.state() == ProjectState.READY) {
			return project;
		}
		if (project.state() != ProjectState.PROVISIONING || !owned.isHeld()) {
			throw ProjectConflictException.wrongState(project, "provisioned");
		}
		DatabaseServer server = this.servers.server(project.server());
		String schemaVersion;
		try {
			this.provisioner.createDatabase(server, project.databaseName());
			schemaVersion = this.schemas.migrate(server, project.databaseName()).to();
			secure(server, project.databaseName());
		}
		catch (ProvisioningException ex) {
			if (ex.serverUnreachable()) {
				// Not the project's fault: it stays PROVISIONING, and is finished once the server answers again.
				this.health.reportUnreachable(server, ex.getMessage());
				throw new ServerUnavailableException(server.name(), "cannot be reached; project '" + project.name()
						+ "' stays PROVISIONING until it can: " + ex.getMessage());
			}
			this.rows.step(SyncOperation.PROVISION, tx -> this.rows.transition(project, Set.of(ProjectState.PROVISIONING),
					ProjectState.FAILED, ex.getMessage(), "marked failed"));
			throw new ProvisioningFailedException(id, ProjectState.FAILED, ex.getMessage(), retryHint(id));
		}
		this.rows.commit(SyncOperation.PROVISION, tx -> this.rows.markReady(project, schemaVersion));
		ProjectView ready = this.rows.committed(id);
		if (ready.state() != ProjectState.READY) {
			throw ProjectConflictException.wrongState(ready, "made READY");
		}
		return ready;
	}

	/**
	 * Finishes provisioning of a FAILED (or interrupted) project. A READY project is returned as it is, after
	 * creating its database again (empty) if it has gone missing. Runs under the project's ownership, waiting
	 * (bounded) for a live owner to finish first, and decides from the row as it is once ownership is held.
	 */
	ProjectView retry(UUID id) {
		ProjectView seen = this.rows.committed(id);
		if (seen.state() == ProjectState.DELETING) {
			throw ProjectConflictException.wrongState(seen, "provisioned");
		}
		try (ProvisioningOwnership.Ownership owned = this.ownership.acquire(id, seen.name(),
				this.properties.provisioningWait())) {
			ProjectView current = this.rows.committed(id);
			if (current.state() != ProjectState.DELETING) {
				this.rows.auditRetry(current, "retry requested");
			}
			return switch (current.state()) {
				case READY -> databaseExists(current) ? secure(current) : recreateDatabase(current);
				case DELETING -> throw ProjectConflictException.wrongState(current, "provisioned");
				case FAILED, PROVISIONING -> {
					if (current.state() == ProjectState.FAILED) {
						this.rows.step(SyncOperation.PROVISION, tx -> this.rows.tryTransition(current, Set.of(ProjectState.FAILED),
								ProjectState.PROVISIONING, current.lastError()));
					}
					yield provision(owned, id);
				}
			};
		}
	}

	/**
	 * Finishes a PROVISIONING project whose owner is gone, if nobody owns it now: empty when a live owner is at
	 * work (the caller waits for it instead).
	 */
	Optional<ProjectView> finishAbandoned(ProjectView project) {
		Optional<ProvisioningOwnership.Ownership> owned = this.ownership.tryAcquire(project.id());
		if (owned.isEmpty()) {
			return Optional.empty();
		}
		try (ProvisioningOwnership.Ownership ownership = owned.get()) {
			ProjectView current = this.rows.committed(project.id());
			if (current.state() == ProjectState.PROVISIONING) {
				this.rows.auditRetry(current, "abandoned provisioning finished");
			}
			return Optional.of(provision(ownership, project.id()));
		}
	}

	/** A FAILED project provisioned again, when the caller may create databases. */
	ProjectView retryFailed(ProjectView project, CreationPolicy policy) {
		policy.requireCreate("provision the FAILED project '" + project.name() + "' again");
		return retry(project.id());
	}

	private ProjectView recreateDatabase(ProjectView current) {
		log.warn("Database {} of READY project {} is missing; creating it again", current.databaseName(), current.id());
		DatabaseServer server = this.servers.server(current.server());
		try {
			this.provisioner.createDatabase(server, current.databaseName());
			String version = this.schemas.migrate(server, current.databaseName()).to();
			secure(server, current.databaseName());
			if (version == null) {
				return current;
			}
			return this.rows.recordSchemaVersion(current.id(), version);
		}
		catch (ProvisioningException ex) {
			throw new ProvisioningFailedException(current.id(), ProjectState.READY, ex.getMessage(), retryHint(current.id()));
		}
	}

	private void secure(DatabaseServer server, String databaseName) {
		this.provisioner.timedSecuring(() -> this.access.secure(server, databaseName));
	}

	/**
	 * A READY project's roles and grants applied again: what repairs a database whose access has drifted. A database
	 * dropped between the check and the grants (by hand, outside the registry) is created again, as a missing one is.
	 */
	private ProjectView secure(ProjectView current) {
		for (int attempt = 1;; attempt++) {
			try {
				secure(this.servers.server(current.server()), current.databaseName());
				return current;
			}
			catch (ProvisioningException ex) {
				if (!databaseExists(current)) {
					return recreateDatabase(current);
				}
				// Still there: perhaps a DROP DATABASE is under way and ended our sessions; look again shortly.
				if (attempt == SECURE_ATTEMPTS || !Pause.of(SECURE_RETRY_PAUSE)) {
					throw new ProvisioningFailedException(current.id(), ProjectState.READY, ex.getMessage(),
							retryHint(current.id()));
				}
			}
		}
	}

	private boolean databaseExists(ProjectView project) {
		return this.provisioner.databaseExists(this.servers.server(project.server()), project.databaseName());
	}

	private static String retryHint(UUID id) {
		return "POST /api/v1/projects/" + id + "/provision";
	}

}
