package io.codebase.registry.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is calling: the name of the API key (never the key itself) and its role. Without configured keys every
 * caller is {@link #ANONYMOUS}, an admin; work the service starts itself (start-up, schedules) is {@link #SYSTEM}.
 */
public record Caller(String name, Role role) {

	public static final Caller ANONYMOUS = new Caller("anonymous", Role.ADMIN);

	public static final Caller SYSTEM = new Caller("system", Role.ADMIN);

	public boolean isAdmin() {
		return this.role == Role.ADMIN;
	}

	/** The caller of the current request, or {@link #SYSTEM} outside a request. */
	public static Caller current() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		return (authentication != null && authentication.getPrincipal() instanceof Caller caller) ? caller : SYSTEM;
	}

	@Override
	public String toString() {
		return this.name + " (" + this.role.name().toLowerCase() + ")";
	}

}
