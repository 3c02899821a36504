package io.codebase.registry.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded PostgreSQL server started when no {@code spring.datasource.url} is configured.
 *
 * @param dataDirectory where the embedded server keeps its files; reused across restarts so projects survive. One
 * running instance at a time: a second one on the same directory refuses to start
 * @param port TCP port of the embedded server on loopback; {@code 0} picks a free one at each start
 * @param database the registry's own database inside the embedded server (project databases sit beside it); created
 * if missing, must match {@code [a-z][a-z0-9_]{0,62}}
 * @param startupTimeout how long to wait for the embedded server to accept connections
 */
@ConfigurationProperties("registry.embedded")
public record EmbeddedPostgresProperties(
		Path dataDirectory,
		@DefaultValue("54329") int port,
		@DefaultValue("registry") String database,
		@DefaultValue("30s") Duration startupTimeout) {

	public EmbeddedPostgresProperties {
		// Not a @DefaultValue: those are taken literally, placeholders such as ${user.home} included.
		if (dataDirectory == null) {
			dataDirectory = Path.of(System.getProperty("user.home"), ".project-registry", "postgres");
		}
	}

}
