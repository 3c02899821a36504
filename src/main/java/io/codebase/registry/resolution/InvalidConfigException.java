package io.codebase.registry.resolution;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** A project config (file or inline) that cannot be used; never a reason to fall back to another project. */
public class InvalidConfigException extends RegistryException {

	InvalidConfigException(String source, String problem) {
		super(ProblemCategory.UNUSABLE_CONTENT, "invalid-project-config", "Invalid project config", source + ": " + problem);
		with("file", source);
	}

}
