package io.codebase.registry.project;

import java.util.UUID;

/**
 * Published inside a transaction that writes a project row; acted on only after that transaction commits.
 *
 * @param oldName the name before the write, {@code null} for a create
 * @param newName the name after the write, {@code null} for a delete
 */
record ProjectChanged(UUID id, String oldName, String newName) {
}
