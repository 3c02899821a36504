package io.codebase.registry.resolution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Creates the default workspace project at start-up. A failure is logged, not fatal: resolution creates it on
 * first use (get-or-create), so the service can start while the database server refuses CREATE DATABASE.
 */
@Component
class DefaultWorkspace implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(DefaultWorkspace.class);

	private final ResolutionService resolutions;

	DefaultWorkspace(ResolutionService resolutions) {
		this.resolutions = resolutions;
	}

	@Override
	public void run(ApplicationArguments args) {
		try {
			this.resolutions.ensureDefaultWorkspace();
		}
		catch (RuntimeException ex) {
			log.warn("Default workspace not ready at start-up; it will be created on first use: {}", ex.getMessage());
		}
	}

}
