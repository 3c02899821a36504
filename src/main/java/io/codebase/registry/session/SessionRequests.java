package io.codebase.registry.session;

import io.swagger.v3.oas.annotations.media.Schema;

/** Request bodies of the sessions API. */
final class SessionRequests {

	private SessionRequests() {
	}

	@Schema(name = "WorkingDirectory", description = "Where the client works; the config file is searched from here up.",
			example = "{\"workingDirectory\": \"/home/dev/src/payments\"}")
	record WorkingDirectory(
			@Schema(description = "Absolute path of an existing directory under an allowed root.",
					example = "/home/dev/src/payments", requiredMode = Schema.RequiredMode.REQUIRED) String workingDirectory) {
	}

	@Schema(name = "ActiveProject", description = "The project a session works on when it names none.",
			example = "{\"project\": \"Payments Service\"}")
	record ActiveProject(
			@Schema(description = "Project id or name.", example = "Payments Service",
					requiredMode = Schema.RequiredMode.REQUIRED) String project) {
	}

}
