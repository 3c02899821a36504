package io.codebase.registry.project;

/**
 * What a caller of get-or-create may cause to exist. Chosen once per request from the caller's role and passed
 * down, so that no path can create a project or a database on behalf of a caller who may not.
 */
public enum CreationPolicy {

	/** May insert projects and create (or create again) their databases: admin keys and the service itself. */
	MAY_CREATE,

	/**
	 * Only projects that exist and are READY: a reader's request. Whatever would insert a project or create a
	 * database is refused with {@link CreationForbiddenException} before anything is written.
	 */
	EXISTING_ONLY;

	void requireCreate(String what) {
		if (this != MAY_CREATE) {
			throw new CreationForbiddenException(what);
		}
	}

}
