package io.codebase.registry.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Which directories clients may point the service at: absolute, existing directories under an allowed root,
 * judged by their real path, so neither {@code ..} nor a symbolic link can lead outside a root.
 */
@Component
public class WorkingDirectories {

	private static final Logger log = LoggerFactory.getLogger(WorkingDirectories.class);

	private static final int MAX_LENGTH = 4096;

	/** The allowed roots' real paths: what a working directory's real path must lie under. */
	private final List<Path> roots;

	/** The allowed roots as configured: a client may name a directory through a root that is a link. */
	private final List<Path> configuredRoots;

	WorkingDirectories(SessionProperties properties) {
		this.roots = properties.allowedRoots().stream().map(WorkingDirectories::realRoot).flatMap(Optional::stream).toList();
		this.configuredRoots = properties.allowedRoots().stream().map(root -> root.toAbsolutePath().normalize()).toList();
		if (this.roots.isEmpty()) {
			log.error("None of registry.sessions.allowed-roots {} exists: every working directory will be refused",
					properties.allowedRoots());
		}
	}

	/** The real path of an acceptable working directory, or a 422 naming the rule it breaks. */
	public Path require(String workingDirectory) {
		if (workingDirectory == null || workingDirectory.isBlank()) {
			throw new InvalidWorkingDirectoryException(workingDirectory, "present",
					"workingDirectory is required");
		}
		if (workingDirectory.length() > MAX_LENGTH || workingDirectory.chars().anyMatch(Character::isISOControl)) {
			throw new InvalidWorkingDirectoryException(abbreviated(workingDirectory), "well-formed",
					"workingDirectory must be at most " + MAX_LENGTH + " characters without control characters");
		}
		Path path;
		try {
			path = Path.of(workingDirectory);
		}
		catch (InvalidPathException ex) {
			throw new InvalidWorkingDirectoryException(workingDirectory, "well-formed", "Not a valid path: " + ex.getReason());
		}
		if (!path.isAbsolute()) {
			throw new InvalidWorkingDirectoryException(workingDirectory, "absolute",
					"workingDirectory must be an absolute path");
		}
		// Outside the roots, every path gets the same answer, looked up or not: the API must not tell whether a
		// host path exists, is a file, or where a link leads. Inside them, the detailed answers help the client.
		if (this.roots.stream().noneMatch(path.normalize()::startsWith)
				&& this.configuredRoots.stream().noneMatch(path.normalize()::startsWith)) {
			throw outsideTheRoots(workingDirectory);
		}
		Path real;
		try {
			real = path.toRealPath();
		}
		catch (IOException ex) {
			throw new InvalidWorkingDirectoryException(workingDirectory, "exists",
					"workingDirectory does not exist (or cannot be read): " + workingDirectory);
		}
		if (rootOf(real).isEmpty()) {
			throw outsideTheRoots(workingDirectory);
		}
		if (!Files.isDirectory(real)) {
			throw new InvalidWorkingDirectoryException(workingDirectory, "directory",
					"workingDirectory is not a directory: " + workingDirectory);
		}
		return real;
	}

	private static InvalidWorkingDirectoryException outsideTheRoots(String workingDirectory) {
		return new InvalidWorkingDirectoryException(abbreviated(workingDirectory), "allowed-root",
				"workingDirectory is not a directory under an allowed root (registry.sessions.allowed-roots)");
	}

	/** The allowed root that holds a real path, if any. */
	public Optional<Path> rootOf(Path realPath) {
		return this.roots.stream().filter(realPath::startsWith).findFirst();
	}

	private static Optional<Path> realRoot(Path root) {
		try {
			return Optional.of(root.toRealPath());
		}
		catch (IOException ex) {
			log.warn("Allowed root {} does not exist; ignoring it", root);
			return Optional.empty();
		}
	}

	private static String abbreviated(String text) {
		return (text.length() > 80) ? text.substring(0, 80) + "..." : text;
	}

}
