package io.codebase.registry.resolution;

import io.codebase.registry.problem.RegistryException;

/** A project config (file or inline) that cannot be used; never a reason to fall back to another project. */
public class InvalidConfigException extends RegistryException {

	InvalidConfigException(String source, String problem) {
		super("invalid-project-config", source + ": " + problem);
		with("file", source);
	}

}
