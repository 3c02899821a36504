package io.codebase.registry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Registers code-indexing projects, gives each its own PostgreSQL database, and resolves which project
 * a caller means. PostgreSQL is the single source of truth; see docs/architecture.md#invariants for what it guarantees.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ProjectRegistryApplication {

	/**
	 * A JVM system property, not a Spring one: the recorder must be in place before the environment is read. With it,
	 * Spring Boot serves the recorded start-up steps at {@code /actuator/startup} once that endpoint is exposed
	 * ({@code bench/startup.sh --timeline}); without it, nothing is recorded.
	 */
	static final String TIMELINE = "startup.timeline";

	/** Steps kept: a start records about 5,000. */
	private static final int TIMELINE_CAPACITY = 20_000;

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(ProjectRegistryApplication.class);
		if (Boolean.getBoolean(TIMELINE)) {
			application.setApplicationStartup(new BufferingApplicationStartup(TIMELINE_CAPACITY));
		}
		application.run(args);
	}

}
