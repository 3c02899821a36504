package io.codebase.registry.fault;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * What the test knows for certain about the registry, built from acknowledged answers only: which projects must
 * exist, which must not, the least version and the content their last acknowledged writes left, and which
 * databases the test itself dropped or orphaned behind the service's back.
 */
final class Model {

	enum Presence {
		MUST_EXIST, MUST_NOT_EXIST, UNKNOWN
	}

	/** One project as far as acknowledged answers tell. */
	static final class Known {

		final UUID id;

		String name;

		String databaseName;

		Presence presence = Presence.UNKNOWN;

		/** The highest version an acknowledged answer carried; PostgreSQL must hold at least this. */
		long minVersion;

		/** The last version seen, for If-Match headers (it may be stale, on purpose). */
		long lastVersion;

		String state;

		String description;

		boolean descriptionCertain;

		String indexStatus = "NOT_INDEXED";

		boolean indexStatusCertain;

		Known(UUID id) {
			this.id = id;
		}

	}

	private final Map<UUID, Known> projects = new LinkedHashMap<>();

	/** Databases of READY projects that the test dropped by hand and no acknowledged provisioning re-created. */
	final Set<String> handDropped = new HashSet<>();

	/** Databases whose row the test deleted by SQL: orphaned on purpose. */
	final Set<String> operatorOrphans = new HashSet<>();

	List<Known> projects() {
		return new ArrayList<>(this.projects.values());
	}

	Known get(UUID id) {
		return this.projects.get(id);
	}

	Known known(UUID id) {
		return this.projects.computeIfAbsent(id, Known::new);
	}

	/**
	 * Applies what one batch of simultaneous operations acknowledged; see {@link Effects}. Returns the
	 * contradictions with what was certain before: a project read from PostgreSQL after its delete was acknowledged.
	 */
	List<Violation> apply(Effects effects) {
		List<Violation> contradictions = new ArrayList<>();
		effects.byId.forEach((id, events) -> {
			Known known = known(id);
			if (known.presence == Presence.MUST_NOT_EXIST && has(events, Event.Type.SEEN)
					&& !has(events, Event.Type.CREATED) && !has(events, Event.Type.MAYBE_RECREATED)) {
				contradictions.add(new Violation(Violation.Kind.RESURRECTED, "project " + id + " (" + known.name
						+ ") answered by a write after its delete was acknowledged", List.of(id.toString())));
			}
			events.stream().filter(e -> e.name != null).reduce((a, b) -> b).ifPresent(e -> known.name = e.name);
			events.stream().filter(e -> e.databaseName != null).findFirst().ifPresent(e -> known.databaseName = e.databaseName);
			events.stream().filter(e -> e.state != null).reduce((a, b) -> b).ifPresent(e -> known.state = e.state);
			boolean deleted = has(events, Event.Type.DELETED);
			boolean created = has(events, Event.Type.CREATED);
			boolean recreatable = created || has(events, Event.Type.MAYBE_RECREATED);
			if (deleted) {
				known.presence = recreatable ? Presence.UNKNOWN : Presence.MUST_NOT_EXIST;
			}
			else if (has(events, Event.Type.MAYBE_DELETED)) {
				known.presence = Presence.UNKNOWN;
			}
			else if (created || has(events, Event.Type.SEEN)) {
				known.presence = Presence.MUST_EXIST;
			}
			else if (has(events, Event.Type.MAYBE_RECREATED) && known.presence == Presence.MUST_NOT_EXIST) {
				known.presence = Presence.UNKNOWN;
			}
			if (created && !deleted) {
				// A new row (perhaps a re-creation with the same id) starts its versions again.
				known.minVersion = 0;
				known.descriptionCertain = false;
				known.indexStatusCertain = false;
			}
			for (Event event : events) {
				if (event.version > 0) {
					known.minVersion = Math.max(known.minVersion, event.version);
					known.lastVersion = event.version;
				}
			}
			applyContent(known, events);
		});
		return contradictions;
	}

	/** Content is certain only when exactly one operation of the batch wrote it and was acknowledged. */
	private static void applyContent(Known known, List<Event> events) {
		List<Event> writers = events.stream().filter(e -> e.type.writesContent()).toList();
		if (writers.isEmpty()) {
			return;
		}
		if (writers.size() > 1 || has(events, Event.Type.DELETED)) {
			known.descriptionCertain = false;
			known.indexStatusCertain = false;
			return;
		}
		Event only = writers.get(0);
		switch (only.type) {
			case CREATED -> {
				known.description = only.description;
				known.descriptionCertain = only.descriptionCertain;
				known.indexStatus = only.indexStatus;
				known.indexStatusCertain = only.indexStatus != null;
			}
			case PATCHED -> {
				known.description = only.description;
				known.descriptionCertain = true;
			}
			case INDEX_REPORTED -> {
				known.indexStatus = only.indexStatus;
				known.indexStatusCertain = true;
			}
			default -> {
				known.descriptionCertain = false;
				known.indexStatusCertain = false;
			}
		}
	}

	/**
	 * At a quiet moment (no request in flight, every fault healed) what PostgreSQL holds becomes the new certain
	 * baseline for whatever acknowledged answers left open: unknown presence, unknown content, rows never
	 * acknowledged to anyone (the default workspace, creates cut off by a fault).
	 */
	void rebaseline(Snapshot snapshot) {
		for (Known known : this.projects.values()) {
			Snapshot.Row row = snapshot.rows().get(known.id);
			if (known.presence == Presence.UNKNOWN) {
				known.presence = (row != null) ? Presence.MUST_EXIST : Presence.MUST_NOT_EXIST;
			}
			if (row != null) {
				adopt(known, row);
			}
		}
		for (Snapshot.Row row : snapshot.rows().values()) {
			if (!this.projects.containsKey(row.id())) {
				Known known = known(row.id());
				known.presence = Presence.MUST_EXIST;
				adopt(known, row);
			}
		}
		Set<String> owned = new HashSet<>();
		snapshot.rows().values().forEach(row -> owned.add(row.databaseName()));
		this.handDropped.removeIf(database -> snapshot.databases().contains(database) || !owned.contains(database));
		this.operatorOrphans.removeIf(database -> !snapshot.databases().contains(database) || owned.contains(database));
	}

	private static void adopt(Known known, Snapshot.Row row) {
		known.name = row.name();
		known.databaseName = row.databaseName();
		known.state = row.state();
		known.minVersion = row.version();
		known.lastVersion = row.version();
		known.description = row.description();
		known.descriptionCertain = true;
		known.indexStatus = row.indexStatus();
		known.indexStatusCertain = true;
	}

	private static boolean has(List<Event> events, Event.Type type) {
		return events.stream().anyMatch(e -> e.type == type);
	}

	/** One acknowledged (or ambiguous) effect of one operation on one project. */
	static final class Event {

		enum Type {
			/** A 201, a resolution that said created, an import that registered it. */
			CREATED,
			/** A 2xx answer of an operation that reads PostgreSQL (not a cache) and carried the project. */
			SEEN,
			PATCHED,
			INDEX_REPORTED,
			/** A 204 delete, or a DELETE FROM projects by SQL that removed the row. */
			DELETED,
			/** A delete whose outcome is unknown (no answer, a 5xx). */
			MAYBE_DELETED,
			/** A write whose outcome is unknown. */
			MAYBE_WRITTEN,
			/** An operation that can insert this id (a config or import naming it) with an unknown outcome. */
			MAYBE_RECREATED;

			boolean writesContent() {
				return this == CREATED || this == PATCHED || this == INDEX_REPORTED || this == MAYBE_WRITTEN
						|| this == MAYBE_RECREATED;
			}
		}

		final Type type;

		String name;

		String databaseName;

		String state;

		long version;

		String description;

		boolean descriptionCertain;

		String indexStatus;

		Event(Type type) {
			this.type = type;
		}

	}

	/** The effects of one batch, collected from its operations before the model is changed. */
	static final class Effects {

		private final Map<UUID, List<Event>> byId = new LinkedHashMap<>();

		private final Map<UUID, Integer> touchedBy = new HashMap<>();

		Event add(UUID id, Event.Type type) {
			Event event = new Event(type);
			this.byId.computeIfAbsent(id, key -> new ArrayList<>()).add(event);
			return event;
		}

		/** Records that one more operation of the batch touched the project (whatever its outcome). */
		void touch(UUID id) {
			this.touchedBy.merge(id, 1, Integer::sum);
		}

		boolean touchedByOthers(UUID id) {
			return this.touchedBy.getOrDefault(id, 0) > 1;
		}

	}

	static boolean sameText(String a, String b) {
		return Objects.equals(a, b);
	}

}
