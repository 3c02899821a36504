package io.codebase.registry.reconciliation;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.codebase.registry.reconciliation.ValidationReport.Kind;
import io.codebase.registry.web.InvalidRequestException;

/** A way in which the registry and the world disagree. */
public enum DriftKind {

	/** A database with the managed prefix that no project row owns. */
	ORPHAN_DATABASE,
	/** A READY project whose database does not exist. */
	MISSING_DATABASE,
	/** PROVISIONING for longer than registry.projects.stuck-after: abandoned by a crash. */
	STUCK_PROVISIONING,
	/** DELETING for longer than registry.projects.stuck-after: the delete did not finish. */
	LEFTOVER_DELETING,
	/** Provisioning failed; lastError says why. */
	FAILED,
	/** Sessions past their expiry that are not purged yet. */
	EXPIRED_SESSIONS,
	/** A source path under the allowed roots that no longer exists (or is not a directory). */
	MISSING_SOURCE_PATH;

	/** The drift a validation issue of one project amounts to; none for a path outside the allowed roots. */
	static Optional<DriftKind> of(Kind issue) {
		return switch (issue) {
			case SOURCE_PATH_MISSING, SOURCE_PATH_NOT_DIRECTORY -> Optional.of(MISSING_SOURCE_PATH);
			case SOURCE_PATH_NOT_CHECKED -> Optional.empty();
			case DATABASE_MISSING -> Optional.of(MISSING_DATABASE);
			case PROVISIONING_FAILED -> Optional.of(FAILED);
			case STUCK_PROVISIONING -> Optional.of(STUCK_PROVISIONING);
			case STUCK_DELETING -> Optional.of(LEFTOVER_DELETING);
		};
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
