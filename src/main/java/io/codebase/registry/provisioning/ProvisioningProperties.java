package io.codebase.registry.provisioning;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where project databases are created. By default they live on the registry's own PostgreSQL server;
 * set {@code url} (with {@code username}/{@code password}) to put them on another server.
 *
 * @param url JDBC URL of any database on the server that hosts project databases; empty: the registry's server
 * @param username login with the CREATEDB privilege on that server
 * @param password its password
 * @param databasePrefix prefix of every managed database name (the codebase-mcp convention is {@code cb_proj_})
 * @param maxConnections size of the autocommit admin pool used for CREATE/DROP DATABASE on a separate server
 * @param template database to copy new project databases from ({@code CREATE DATABASE ... TEMPLATE}); empty: the
 * server's default ({@code template1}). No session may be connected to it while a database is created.
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

	boolean usesSeparateServer() {
		return !url.isBlank();
	}

}
