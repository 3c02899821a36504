package io.codebase.registry.provisioning;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where project databases are created. By default they live on the registry's own PostgreSQL server;
 * set {@code url} (with {@code username}/{@code password}) to put them on another server.
 *
 * @param url JDBC URL of any existing database on the server that holds project databases; empty: the registry's
 * own server, with the registry's login
 * @param username login on that server; it needs the CREATEDB and CREATEROLE privileges (databases, and the roles that guard them), checked at start-up
 * @param password password of that login
 * @param databasePrefix prefix of every new project database name (the codebase-mcp convention is
 * {@code cb_proj_}); must match {@code [a-z][a-z0-9_]{0,19}}. Existing projects keep their database names when it
 * changes, but config files whose {@code project.database_name} has the old prefix are refused
 * @param maxConnections size of the autocommit pool for {@code CREATE}/{@code DROP DATABASE} when {@code url} is set
 * @param template database to copy new project databases from ({@code CREATE DATABASE ... TEMPLATE}); takes
 * precedence over the managed template ({@code managed-template.*}). Empty: the managed template, else the server's
 * default ({@code template1}). No session may be connected to it while a database is created; must match
 * {@code [a-z_][a-z0-9_]{0,62}}
 */
@ConfigurationProperties("registry.provisioning")
public record ProvisioningProperties(
		@DefaultValue("") String url,
		@DefaultValue("") String username,
		@DefaultValue("") String password,
		@DefaultValue("cb_proj_") String databasePrefix,
		@DefaultValue("2") int maxConnections,
		@DefaultValue("") String template) {

	public ProvisioningProperties {
		if (!DatabaseNames.isValidPrefix(databasePrefix)) {
			throw new IllegalArgumentException(
					"registry.provisioning.database-prefix must match " + DatabaseNames.PREFIX_REGEX);
		}
		if (!template.isEmpty() && !DatabaseNames.isValidTemplate(template)) {
			throw new IllegalArgumentException(
					"registry.provisioning.template must match " + DatabaseNames.TEMPLATE_REGEX);
		}
	}

	public boolean usesSeparateServer() {
		return !url.isBlank();
	}

}
