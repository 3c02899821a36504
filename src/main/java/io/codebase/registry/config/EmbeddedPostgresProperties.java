package io.codebase.registry.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded PostgreSQL server started when no {@code spring.datasource.url} is configured.
 *
 * @param dataDirectory where the cluster keeps its files; reused across restarts so projects survive
 * (default {@code ~/.project-registry/postgres})
 * @param port TCP port on loopback; {@code 0} picks a free one at each start
 * @param database the registry's own database inside that server (project databases sit beside it)
 * @param startupTimeout how long to wait for the server to accept connections
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
