package io.codebase.registry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
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

	public static void main(String[] args) {
		SpringApplication.run(ProjectRegistryApplication.class, args);
	}

}
