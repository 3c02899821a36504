package io.codebase.registry.security;

import java.util.List;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;

/** What an API key may do. An admin may do everything a reader may. */
public enum Role {

	/** GET and HEAD requests, and resolutions that find an existing project. */
	READER,

	/** Everything: creating, changing and deleting projects (and their databases), sessions, imports. */
	ADMIN;

	static final String READER_AUTHORITY = "ROLE_READER";

	static final String ADMIN_AUTHORITY = "ROLE_ADMIN";

	List<GrantedAuthority> authorities() {
		return (this == ADMIN) ? AuthorityUtils.createAuthorityList(READER_AUTHORITY, ADMIN_AUTHORITY)
				: AuthorityUtils.createAuthorityList(READER_AUTHORITY);
	}

}
