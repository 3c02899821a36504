package io.codebase.registry.reconciliation;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.codebase.registry.reconciliation.ValidationReport.Kind;
import io.codebase.registry.problem.InvalidRequestException;

/**
 * The one list of ways in which the registry and the world disagree, used by the validation report, the
 * reconciler, its policy and its metrics. Each condition also carries the names the validation report gives
 * it: that API predates the reconciler and keeps its own names.
 */
public enum DriftKind {

	/** A database with the managed prefix that no project row owns. */
	ORPHAN_DATABASE,
	/** A READY project whose database does not exist. */
	MISSING_DATABASE(Kind.DATABASE_MISSING),
	/** PROVISIONING for longer than registry.projects.stuck-after: abandoned by a crash. */
	STUCK_PROVISIONING(Kind.STUCK_PROVISIONING),
	/** DELETING for longer than registry.projects.stuck-after: the delete did not finish. */
	LEFTOVER_DELETING(Kind.STUCK_DELETING),
	/** Provisioning failed; lastError says why. */
	FAILED(Kind.PROVISIONING_FAILED),
	/** Sessions past their expiry that are not purged yet. */
	EXPIRED_SESSIONS,
	/**
	 * A source path under the allowed roots that no longer exists, or is not a directory: the validation report
	 * tells the two apart.
	 */
	MISSING_SOURCE_PATH(Kind.SOURCE_PATH_MISSING, Kind.SOURCE_PATH_NOT_DIRECTORY),
	/**
	 * The project's database server is down or not configured: its database cannot be checked, so it is neither
	 * missing nor failed, and nothing is repaired until the server is back.
	 */
	SERVER_UNAVAILABLE(Kind.SERVER_UNAVAILABLE),
	/**
	 * A READY project's database without its owner role, its read-write or read-only role, or with CONNECT still
	 * granted to PUBLIC: a project from before credentials existed, or roles dropped by hand.
	 */
	MISSING_ACCESS_ROLES,
	/** Credentials past their VALID UNTIL that are not dropped yet: one drift per server that has any. */
	EXPIRED_CREDENTIALS,
	/**
	 * A moved project's old database, kept on the server it left for registry.moves.source-grace; dropped once
	 * that is over.
	 */
	MOVED_SOURCE,
	/**
	 * Publications, subscriptions or replication slots of moves that no unfinished move uses: one drift per server
	 * that has any.
	 */
	MOVE_LEFTOVERS;

	/**
	 * Drift a settled (READY, unchanged) project can have, found only by a run that looks at every project: a run
	 * over the projects that changed or are not READY sees all of every other kind, but none of these.
	 */
	static final Set<DriftKind> OF_SETTLED_PROJECTS = Collections.unmodifiableSet(
			EnumSet.of(MISSING_DATABASE, MISSING_SOURCE_PATH, SERVER_UNAVAILABLE, MISSING_ACCESS_ROLES));

	private final List<Kind> validationNames;

	DriftKind(Kind... validationNames) {
		this.validationNames = List.of(validationNames);
	}

	/**
	 * What the validation report calls this condition, the usual name first; empty for drift that belongs to no
	 * one project.
	 */
	List<Kind> validationNames() {
		return this.validationNames;
	}

	/** The kinds named by a request's {@code kind} parameters (case-insensitive); none named: every kind. */
	static Set<DriftKind> parse(List<String> names) {
		if (names == null || names.isEmpty()) {
			return EnumSet.allOf(DriftKind.class);
		}
		Set<DriftKind> kinds = EnumSet.noneOf(DriftKind.class);
		for (String name : names) {
			try {
				kinds.add(valueOf(name.trim().toUpperCase(Locale.ROOT)));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidRequestException("kind", "'" + name + "' is not one of "
						+ Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
			}
		}
		return kinds;
	}

}
