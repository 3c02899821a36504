package io.codebase.registry.resolution;

import java.nio.file.Path;

import io.codebase.registry.project.ProjectName;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Project resolution.
 *
 * @param defaultProject name of the default workspace project (tier 4), created at start-up and used only when a
 * caller identifies nothing; it must satisfy the project name rule
 * @param configFile the client config file, relative to each directory searched
 * @param maxConfigDepth how many directories the config search visits, the working directory included (1 to 100)
 * @param maxConfigSize largest config file, or inline config, accepted; larger ones are a 422
 */
@ConfigurationProperties("registry.resolution")
public record ResolutionProperties(
		@DefaultValue("default-workspace") String defaultProject,
		@DefaultValue(".codebase-mcp/config.json") String configFile,
		@DefaultValue("20") int maxConfigDepth,
		@DefaultValue("64KB") DataSize maxConfigSize) {

	public ResolutionProperties {
		if (!ProjectName.isValid(defaultProject)) {
			throw new IllegalArgumentException("registry.resolution.default-project must be " + ProjectName.RULE);
		}
		if (maxConfigDepth < 1 || maxConfigDepth > 100) {
			throw new IllegalArgumentException("registry.resolution.max-config-depth must be between 1 and 100");
		}
		if (configFile.isBlank() || Path.of(configFile).isAbsolute() || configFile.contains("..")) {
			throw new IllegalArgumentException("registry.resolution.config-file must be a relative path without '..'");
		}
	}

}
