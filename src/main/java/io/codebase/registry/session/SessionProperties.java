package io.codebase.registry.session;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Client sessions.
 *
 * @param ttl how long a session lives after it was last used (sliding)
 * @param purgeInterval how often expired sessions are deleted
 * @param allowedRoots directories (comma-separated) that working directories and config files must lie under,
 * judged by their real paths; roots that do not exist at start-up are ignored with a warning, an empty list stops
 * the start. The default, {@code ~}, is the home directory of the user running the service
 */
@ConfigurationProperties("registry.sessions")
public record SessionProperties(
		@DefaultValue("24h") Duration ttl,
		@DefaultValue("10m") Duration purgeInterval,
		List<Path> allowedRoots) {

	public SessionProperties {
		if (ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("registry.sessions.ttl must be positive");
		}
		if (purgeInterval.isNegative() || purgeInterval.isZero()) {
			throw new IllegalArgumentException("registry.sessions.purge-interval must be positive");
		}
		// Not a @DefaultValue: those are taken literally, placeholders such as ${user.home} included.
		if (allowedRoots == null) {
			allowedRoots = List.of(Path.of(System.getProperty("user.home")));
		}
		if (allowedRoots.isEmpty()) {
			throw new IllegalArgumentException("registry.sessions.allowed-roots must name at least one directory");
		}
	}

}
