package io.codebase.registry.project;

import java.time.DateTimeException;
import java.time.Instant;

import io.codebase.registry.problem.InvalidRequestException;

/**
 * A list's order, {@code <field>[,asc|desc]} with a whitelisted, indexed field. The id breaks ties in the same
 * direction, so the order is total: a page boundary is one (key, id) pair, which is what a cursor holds.
 */
record ProjectSort(Key key, boolean descending) {

	static final String FIELDS = "name, createdAt, updatedAt, state";

	static ProjectSort parse(String sort) {
		String[] parts = sort.split(",", -1);
		Key key = Key.of(parts[0].trim());
		if (key == null || parts.length > 2) {
			throw new InvalidRequestException("sort", "must be <field>[,asc|desc] with field one of " + FIELDS);
		}
		boolean descending = false;
		if (parts.length == 2) {
			String direction = parts[1].trim();
			if (!direction.equalsIgnoreCase("asc") && !direction.equalsIgnoreCase("desc")) {
				throw new InvalidRequestException("sort", "direction must be asc or desc");
			}
			descending = direction.equalsIgnoreCase("desc");
		}
		return new ProjectSort(key, descending);
	}

	/** The canonical form, as a next link repeats it. */
	@Override
	public String toString() {
		return this.key.field + (this.descending ? ",desc" : ",asc");
	}

	String orderBy() {
		String direction = this.descending ? " DESC" : " ASC";
		return this.key.column + direction + ", id" + direction;
	}

	/** A sort field: its API name and column; names sort by {@code name_key}, case-insensitively, as they are unique. */
	enum Key {

		NAME("name", "name_key"), CREATED_AT("createdAt", "created_at"), UPDATED_AT("updatedAt", "updated_at"),
		STATE("state", "state");

		final String field;

		final String column;

		Key(String field, String column) {
			this.field = field;
			this.column = column;
		}

		static Key of(String field) {
			for (Key key : values()) {
				if (key.field.equals(field)) {
					return key;
				}
			}
			return null;
		}

		/** This field's value in a project: the first half of its position in the order. */
		Object valueOf(ProjectView project) {
			return switch (this) {
				case NAME -> ProjectName.key(project.name());
				case CREATED_AT -> project.createdAt();
				case UPDATED_AT -> project.updatedAt();
				case STATE -> project.state().name();
			};
		}

		/** A value as a cursor holds it, or null if no project could have it (a tampered cursor). */
		Object parse(String text) {
			return switch (this) {
				case NAME -> ProjectName.isValid(text) && text.equals(ProjectName.key(text)) ? text : null;
				case CREATED_AT, UPDATED_AT -> instant(text);
				case STATE -> {
					for (ProjectState state : ProjectState.values()) {
						if (state.name().equals(text)) {
							yield text;
						}
					}
					yield null;
				}
			};
		}

		private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");

		private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999Z");

		/** Only instants PostgreSQL's timestamptz holds (years 1 to 9999 here), so a forged one is a 400, not a 500. */
		private static Instant instant(String text) {
			try {
				Instant instant = Instant.parse(text);
				return (instant.isBefore(FIRST) || instant.isAfter(LAST)) ? null : instant;
			}
			catch (DateTimeException ex) {
				return null;
			}
		}

	}

}
