package io.codebase.registry.project;

import java.util.Optional;
import java.util.UUID;

final class Uuids {

	private Uuids() {
	}

	static Optional<UUID> parse(String value) {
		try {
			return Optional.of(UUID.fromString(value));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

}
