package io.codebase.registry.project;

import io.codebase.registry.provisioning.DatabaseServer;

/**
 * Who may connect to a project database, set up by another module (credentials) and called by provisioning: after
 * the schema and before READY, and after DROP DATABASE. Published here so that provisioning need not know who
 * implements it. Both steps are idempotent; a failure is a
 * {@link io.codebase.registry.provisioning.ProvisioningException}, handled like a failed schema step.
 */
public interface ProjectDatabaseAccess {

	/** Creates or repairs the database's roles and grants; safe to run again on a database that has them. */
	void secure(DatabaseServer server, String databaseName);

	/** Drops the roles of a database that has been dropped, with every credential issued for it. */
	void release(DatabaseServer server, String databaseName);

}
