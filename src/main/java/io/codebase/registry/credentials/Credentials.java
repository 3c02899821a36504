package io.codebase.registry.credentials;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.fleet.ServerHealth;
import io.codebase.registry.fleet.ServerUnavailableException;
import io.codebase.registry.problem.InvalidRequestException;
import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.provisioning.ProvisioningException;
import io.codebase.registry.provisioning.ProvisioningProperties;
import io.codebase.registry.security.Audit;
import io.codebase.registry.security.Caller;

import org.springframework.stereotype.Service;

/**
 * Short-lived logins for project databases, in the manner of Vault's database secrets engine: a PostgreSQL role
 * with a random password and {@code VALID UNTIL}, a member of the project's read-write role for admin callers and
 * of its read-only role for readers. The password is answered once and kept nowhere; PostgreSQL itself refuses the
 * login once it expires, and the reconciler drops expired ones ({@code EXPIRED_CREDENTIALS}).
 */
@Service
public class Credentials {

	private static final int PASSWORD_LENGTH = 40;

	private static final String PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	private final SecureRandom random = new SecureRandom();

	private final AccessRoles roles;

	private final DatabaseServers servers;

	private final ServerHealth health;

	private final ProjectLifecycle lifecycle;

	private final CredentialProperties properties;

	private final String prefix;

	private final Audit audit;

	Credentials(AccessRoles roles, DatabaseServers servers, ServerHealth health, ProjectLifecycle lifecycle,
			CredentialProperties properties, ProvisioningProperties provisioning, Audit audit) {
		this.roles = roles;
		this.servers = servers;
		this.health = health;
		this.lifecycle = lifecycle;
		this.properties = properties;
		this.prefix = provisioning.databasePrefix();
		this.audit = audit;
	}

	/**
	 * The validity a request asks for, checked before anything is created: from 1 second to {@code max-ttl};
	 * null: {@code default-ttl}.
	 */
	public Duration ttl(Long ttlSeconds) {
		if (ttlSeconds == null) {
			return this.properties.defaultTtl();
		}
		long max = this.properties.maxTtl().toSeconds();
		if (ttlSeconds < 1 || ttlSeconds > max) {
			throw new InvalidRequestException("ttlSeconds", "must be between 1 and " + max
					+ " (registry.credentials.max-ttl)");
		}
		return Duration.ofSeconds(ttlSeconds);
	}

	/**
	 * A new login for a READY project's database, valid for {@code ttl} ({@link #ttl(Long)}), with the access of
	 * the current caller's role. A database whose roles are missing (a project from before credentials existed) gets
	 * them first, through the same ownership-holding path as {@code POST /provision}.
	 */
	public Credential issue(ProjectView project, Duration ttl) {
		if (project.state() != ProjectState.READY) {
			throw new CredentialsUnavailableException(project);
		}
		// A login made on the old server during a cut-over would be useless a moment later.
		project.requireNotMoving();
		Caller caller = Caller.current();
		Access access = Access.of(caller);
		DatabaseServer server = this.servers.server(project.server());
		String login = RoleNames.of(project.databaseName()).newCredential(this.prefix);
		// Whole seconds, as VALID UNTIL is shown and compared; never shorter than asked for.
		Instant expiresAt = Instant.now().plus(ttl).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
		char[] password = password();
		onServer(server, () -> {
			if (!this.roles.lacking(server, List.of(project.databaseName())).isEmpty()) {
				this.lifecycle.retryProvisioning(project.id());
			}
			this.roles.createLogin(server, project.databaseName(), login, access, expiresAt, password);
			return null;
		});
		this.audit.record(caller, "credential.create", details(project, login, access, expiresAt));
		return new Credential(login, new String(password), expiresAt, access, project.connection());
	}

	/** Revokes a credential of this project before it expires: its sessions are ended and its role dropped. */
	public void revoke(ProjectView project, String name) {
		if (name == null || !name.matches(RoleNames.credentialPattern(this.prefix))) {
			throw new CredentialNotFoundException(project.name(), String.valueOf(name));
		}
		DatabaseServer server = this.servers.server(project.server());
		if (!onServer(server, () -> this.roles.revokeLogin(server, project.databaseName(), name))) {
			throw new CredentialNotFoundException(project.name(), name);
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("project", project.id());
		details.put("server", project.server());
		details.put("credential", name);
		this.audit.record("credential.revoke", details);
	}

	/**
	 * The roles granted CONNECT on a project database: its read-write and read-only roles. A move's freeze revokes
	 * it from them, and a rollback grants it back.
	 */
	public List<String> connectingRoles(String databaseName) {
		RoleNames names = RoleNames.of(databaseName);
		return List.of(names.readWrite(), names.readOnly());
	}

	/** {@link #connectingRoles} and every credential issued for the database on this server: who a freeze locks out. */
	public List<String> writers(DatabaseServer server, String databaseName) {
		List<String> writers = new ArrayList<>(connectingRoles(databaseName));
		writers.addAll(new TreeSet<>(this.roles.logins(server, databaseName)));
		return writers;
	}

	/** The databases among these (on one server) whose roles or PUBLIC revocation are not in place. */
	public Set<String> lackingAccess(String server, Collection<String> databaseNames) {
		return databaseNames.isEmpty() ? Set.of() : this.roles.lacking(this.servers.server(server), databaseNames);
	}

	/** Credentials on this server past their expiry that are not dropped yet: name and when it expired. */
	public Map<String, Instant> expired(String server) {
		return this.roles.expiredLogins(this.servers.server(server));
	}

	/** Drops a credential if it is still expired; false when it is gone or valid again. */
	public boolean dropExpired(String server, String name) {
		return this.roles.dropExpiredLogin(this.servers.server(server), name);
	}

	private char[] password() {
		char[] password = new char[PASSWORD_LENGTH];
		for (int i = 0; i < password.length; i++) {
			password[i] = PASSWORD_ALPHABET.charAt(this.random.nextInt(PASSWORD_ALPHABET.length()));
		}
		return password;
	}

	/** A server that cannot be reached is a 503, and is reported to the health checks; any other refusal a 502. */
	private <T> T onServer(DatabaseServer server, Supplier<T> work) {
		try {
			return work.get();
		}
		catch (ProvisioningException ex) {
			if (ex.serverUnreachable()) {
				this.health.reportUnreachable(server, ex.getMessage());
				throw new ServerUnavailableException(server.name(), "cannot be reached: " + ex.getMessage());
			}
			throw new CredentialFailedException(ex.getMessage());
		}
	}

	private static Map<String, Object> details(ProjectView project, String login, Access access, Instant expiresAt) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("project", project.id());
		details.put("server", project.server());
		details.put("credential", login);
		details.put("access", access);
		details.put("expiresAt", expiresAt);
		return details;
	}

	/** The database server refused to create or drop a credential. */
	static class CredentialFailedException extends RegistryException {

		CredentialFailedException(String reason) {
			super(ProblemCategory.DOWNSTREAM_FAILED, "credential-failed", "The database server refused the credential",
					reason);
		}

	}

}
