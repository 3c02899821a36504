package io.codebase.registry.project;

import java.util.Set;
import java.util.UUID;

import io.codebase.registry.provisioning.DatabaseProvisioner;
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

	private static final Logger log = LoggerFactory.getLogger(ProjectProvisioning.class);

	private final ProjectRows rows;

	private final DatabaseProvisioner provisioner;

	private final ProjectSchemas schemas;

	ProjectProvisioning(ProjectRows rows, DatabaseProvisioner provisioner, ProjectSchemas schemas) {
		this.rows = rows;
		this.provisioner = provisioner;
		this.schemas = schemas;
	}

	/**
	 * CREATE DATABASE (adopting our own), the project schema, then READY with the schema version. Safe to run twice
	 * at once: Flyway serializes migrations of one database with a lock in that database.
	 */
	ProjectView provision(UUID id) {
		ProjectView project = this.rows.committed(id);
		String schemaVersion;
		try {
			this.provisioner.createDatabase(project.databaseName());
			schemaVersion = this.schemas.migrate(project.databaseName()).to();
		}
		catch (ProvisioningException ex) {
			this.rows.commit("provision", tx -> this.rows.transition(project, Set.of(ProjectState.PROVISIONING),
					ProjectState.FAILED, ex.getMessage(), "marked failed"));
			throw new ProvisioningFailedException(id, ProjectState.FAILED, ex.getMessage(), retryHint(id));
		}
		this.rows.commit("provision", tx -> this.rows.markReady(project, schemaVersion));
		ProjectView ready = this.rows.committed(id);
		if (ready.state() != ProjectState.READY) {
			throw ProjectConflictException.wrongState(ready, "made READY");
		}
		return ready;
	}

	/**
	 * Finishes provisioning of a FAILED (or interrupted) project. A READY project is returned as it is, after
	 * creating its database again (empty) if it has gone missing.
	 */
	ProjectView retry(UUID id) {
		ProjectView current = this.rows.committed(id);
		if (current.state() != ProjectState.DELETING) {
			this.rows.auditRetry(current, "retry requested");
		}
		return switch (current.state()) {
			case READY -> this.provisioner.databaseExists(current.databaseName()) ? current : recreateDatabase(current);
			case DELETING -> throw ProjectConflictException.wrongState(current, "provisioned");
			case FAILED, PROVISIONING -> {
				if (current.state() == ProjectState.FAILED) {
					this.rows.commit("provision", tx -> this.rows.tryTransition(current, Set.of(ProjectState.FAILED),
							ProjectState.PROVISIONING, current.lastError()));
				}
				yield provision(id);
			}
		};
	}

	/** A FAILED project provisioned again, when the caller may create databases. */
	ProjectView retryFailed(ProjectView project, CreationPolicy policy) {
		policy.requireCreate("provision the FAILED project '" + project.name() + "' again");
		return retry(project.id());
	}

	private ProjectView recreateDatabase(ProjectView current) {
		log.warn("Database {} of READY project {} is missing; creating it again", current.databaseName(), current.id());
		try {
			this.provisioner.createDatabase(current.databaseName());
			String version = this.schemas.migrate(current.databaseName()).to();
			if (version == null) {
				return current;
			}
			return this.rows.commit("schema-version", tx -> {
				this.rows.recordSchemaVersion(current, version);
				return this.rows.committed(current.id());
			});
		}
		catch (ProvisioningException ex) {
			throw new ProvisioningFailedException(current.id(), ProjectState.READY, ex.getMessage(), retryHint(current.id()));
		}
	}

	private static String retryHint(UUID id) {
		return "POST /api/v1/projects/" + id + "/provision";
	}

}
