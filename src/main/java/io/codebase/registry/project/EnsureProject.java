package io.codebase.registry.project;

import java.util.UUID;

/**
 * A project a caller needs to exist, e.g. from a client's config file.
 *
 * @param id the id to create it with, if the caller already knows one; {@code null}: a new id
 * @param databaseName an existing managed database to adopt; {@code null}: derived from name and id
 */
public record EnsureProject(String name, String description, UUID id, String databaseName) {
}
