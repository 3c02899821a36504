package io.codebase.registry.credentials;

import io.codebase.registry.security.Caller;
import io.swagger.v3.oas.annotations.media.Schema;

/** What a credential may do in its project's database, decided by the caller's role. */
@Schema(description = "READ_WRITE: read and write every table (admin callers). READ_ONLY: read only (reader callers).")
public enum Access {

	READ_WRITE, READ_ONLY;

	static Access of(Caller caller) {
		return caller.isAdmin() ? READ_WRITE : READ_ONLY;
	}

}
