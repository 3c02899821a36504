package io.codebase.registry.resolution;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** A project config (file or inline) that cannot be used; never a reason to fall back to another project. */
class InvalidConfigException extends ApiException {

	InvalidConfigException(String source, String problem) {
		super(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-project-config", "Invalid project config",
				source + ": " + problem);
		with("file", source);
	}

}
