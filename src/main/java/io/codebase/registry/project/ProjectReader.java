package io.codebase.registry.project;

import java.util.Optional;
import java.util.UUID;

/**
 * Reads single projects. There are exactly two: {@link ProjectLookup#cached()} for answers that may come from this
 * replica's cache of committed rows, and {@link ProjectLookup#committed()} for decisions that must see PostgreSQL's
 * state at this moment. Callers say which they mean at the call site.
 */
public interface ProjectReader {

	Optional<ProjectView> byId(UUID id);

	/** Case-insensitive; a string that is not a valid project name finds nothing. */
	Optional<ProjectView> byName(String name);

	/** A project by id or, failing that, by name: a project may be named like a UUID. */
	default ProjectView get(String idOrName) {
		return Uuids.parse(idOrName).flatMap(this::byId)
			.or(() -> byName(idOrName))
			.orElseThrow(() -> new ProjectNotFoundException(idOrName));
	}

	default ProjectView get(UUID id) {
		return byId(id).orElseThrow(() -> new ProjectNotFoundException(id.toString()));
	}

}
