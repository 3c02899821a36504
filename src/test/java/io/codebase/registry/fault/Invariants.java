package io.codebase.registry.fault;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import io.codebase.registry.fault.Violation.Kind;

/**
 * The invariants, checked against a {@link Snapshot} of PostgreSQL and the {@link Model} of acknowledged answers.
 * Pure functions, so that each can be shown to fail on a fabricated state ({@code InvariantsTest}).
 */
final class Invariants {

	/** The managed database name shape (DatabaseNames): only such names are ever created by the service. */
	private static final Pattern MANAGED = Pattern.compile("[a-z][a-z0-9_]*_[a-f0-9]{8}");

	private Invariants() {
	}

	/** At a quiet moment: acknowledged writes are there, and rows and databases match one to one. */
	static List<Violation> checkState(Snapshot snapshot, Model model) {
		List<Violation> violations = new ArrayList<>();
		for (Model.Known known : model.projects()) {
			Snapshot.Row row = snapshot.rows().get(known.id);
			List<String> keys = keys(known.id.toString(), known.name, known.databaseName);
			if (known.presence == Model.Presence.MUST_EXIST && row == null) {
				violations.add(new Violation(Kind.LOST_WRITE, "acknowledged project " + known.id + " (" + known.name
						+ ") has no row", keys));
			}
			else if (known.presence == Model.Presence.MUST_NOT_EXIST && row != null) {
				violations.add(new Violation(Kind.RESURRECTED, "project " + known.id + " (" + row.name()
						+ ") exists after its acknowledged delete, state " + row.state(), keys));
			}
			else if (known.presence == Model.Presence.MUST_EXIST) {
				if (row.version() < known.minVersion) {
					violations.add(new Violation(Kind.LOST_UPDATE, "project " + known.id + " is at version " + row.version()
							+ " but version " + known.minVersion + " was acknowledged", keys));
				}
				if (known.descriptionCertain && !Objects.equals(row.description(), known.description)) {
					violations.add(new Violation(Kind.LOST_UPDATE, "project " + known.id + " has description "
							+ quote(row.description()) + " but the last acknowledged write set " + quote(known.description), keys));
				}
				if (known.indexStatusCertain && !Objects.equals(row.indexStatus(), known.indexStatus)) {
					violations.add(new Violation(Kind.LOST_UPDATE, "project " + known.id + " has indexStatus "
							+ row.indexStatus() + " but the last acknowledged report set " + known.indexStatus, keys));
				}
			}
		}
		Set<String> owned = new HashSet<>();
		snapshot.rows().values().forEach(row -> owned.add(row.databaseName()));
		for (String database : snapshot.databases()) {
			if (MANAGED.matcher(database).matches() && !owned.contains(database)
					&& !model.operatorOrphans.contains(database)) {
				violations.add(new Violation(Kind.ORPHAN_DATABASE, "database " + database + " has no project row",
						keys(database)));
			}
		}
		for (Snapshot.Row row : snapshot.rows().values()) {
			if (row.state().equals("READY") && !snapshot.databases().contains(row.databaseName())
					&& !model.handDropped.contains(row.databaseName())) {
				violations.add(new Violation(Kind.READY_WITHOUT_DATABASE, "READY project " + row.id() + " (" + row.name()
						+ ") has no database " + row.databaseName(), keys(row.id().toString(), row.name(), row.databaseName())));
			}
		}
		return violations;
	}

	/**
	 * After one POST /api/v1/reconciliation at a quiet moment, nothing is left half provisioned or half deleted, but
	 * for the projects in {@code inFlight}: their ownership is held by a live replica (one still starting creates its
	 * default workspace), so their work is not abandoned and no reconciliation may take it over.
	 */
	static List<Violation> checkReconciled(Snapshot snapshot, Set<UUID> inFlight) {
		List<Violation> violations = new ArrayList<>();
		for (Snapshot.Row row : snapshot.rows().values()) {
			if (inFlight.contains(row.id())) {
				continue;
			}
			Kind kind = switch (row.state()) {
				case "PROVISIONING" -> Kind.LEFT_PROVISIONING;
				case "DELETING" -> Kind.LEFT_DELETING;
				default -> null;
			};
			if (kind != null) {
				violations.add(new Violation(kind, "project " + row.id() + " (" + row.name() + ") is still " + row.state()
						+ " after a reconciliation", keys(row.id().toString(), row.name(), row.databaseName())));
			}
		}
		return violations;
	}

	/**
	 * How a replica's answer to {@code GET /api/v1/projects/{idOrName}} differs from the row; null when it agrees.
	 * {@code row} null means the project must be unknown (404).
	 */
	static String disagreement(Snapshot.Row row, int status, JsonNode body) {
		if (row == null) {
			return (status == 404) ? null : "answered " + status + " for a project that has no row";
		}
		if (status != 200) {
			return "answered " + status + " for an existing " + row.state() + " project";
		}
		List<String> differences = new ArrayList<>();
		compare(differences, "id", row.id().toString(), body.path("id").asString(null));
		compare(differences, "name", row.name(), body.path("name").asString(null));
		compare(differences, "state", row.state(), body.path("state").asString(null));
		compare(differences, "version", String.valueOf(row.version()), body.path("version").asString(null));
		compare(differences, "description", row.description(), body.path("description").asString(null));
		compare(differences, "indexStatus", row.indexStatus(), body.path("indexStatus").asString(null));
		return differences.isEmpty() ? null : String.join(", ", differences);
	}

	private static void compare(List<String> differences, String field, String database, String answered) {
		if (!Objects.equals(database, answered)) {
			differences.add(field + " " + quote(answered) + " (PostgreSQL: " + quote(database) + ")");
		}
	}

	static List<String> keys(String... keys) {
		return java.util.Arrays.stream(keys).filter(Objects::nonNull).toList();
	}

	static String quote(String text) {
		if (text == null) {
			return "null";
		}
		String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
		return "'" + shown.replace("\u0000", "\\0") + "'";
	}

}
