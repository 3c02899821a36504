package io.codebase.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.codebase.registry.config.EmbeddedPostgresProperties;
import io.codebase.registry.session.SessionProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Defaults that depend on the machine are real paths, not unresolved placeholders. */
class PropertyDefaultsTest {

	private static final Binder EMPTY = new Binder(new MapConfigurationPropertySource(Map.of()));

	private static final Path HOME = Path.of(System.getProperty("user.home"));

	@Test
	void theEmbeddedDataDirectoryDefaultsToTheUsersHome() {
		EmbeddedPostgresProperties properties = EMPTY.bindOrCreate("registry.embedded", EmbeddedPostgresProperties.class);
		assertThat(properties.dataDirectory()).isEqualTo(HOME.resolve(".project-registry/postgres"));
		assertThat(properties.port()).isEqualTo(54329);
	}

	@Test
	void theAllowedRootDefaultsToTheUsersHome() {
		SessionProperties properties = EMPTY.bindOrCreate("registry.sessions", SessionProperties.class);
		assertThat(properties.allowedRoots()).isEqualTo(List.of(HOME));
	}

	@Test
	void configuredValuesWin() {
		Binder configured = new Binder(new MapConfigurationPropertySource(Map.of(
				"registry.embedded.data-directory", "/srv/registry/pg", "registry.sessions.allowed-roots", "/a,/b")));
		assertThat(configured.bindOrCreate("registry.embedded", EmbeddedPostgresProperties.class).dataDirectory())
			.isEqualTo(Path.of("/srv/registry/pg"));
		assertThat(configured.bindOrCreate("registry.sessions", SessionProperties.class).allowedRoots())
			.containsExactly(Path.of("/a"), Path.of("/b"));
	}

}
