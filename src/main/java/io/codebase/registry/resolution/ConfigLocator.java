package io.codebase.registry.resolution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

import io.codebase.registry.session.WorkingDirectories;

import org.springframework.stereotype.Component;

/** Finds a session's config file: from its working directory up, never past the repository or the allowed root. */
@Component
class ConfigLocator {

	private final ResolutionProperties properties;

	private final WorkingDirectories workingDirectories;

	ConfigLocator(ResolutionProperties properties, WorkingDirectories workingDirectories) {
		this.properties = properties;
		this.workingDirectories = workingDirectories;
	}

	/** What a search from a working directory found, or why it stopped. */
	record Search(Optional<Path> file, String stoppedBecause) {
	}

	/**
	 * Looks for the config file from the working directory up through its parents; stops at a directory holding
	 * {@code .git}, at the top of the allowed root, at the filesystem root, or after the depth limit.
	 */
	Search find(Path workingDirectory) {
		Path root = this.workingDirectories.rootOf(workingDirectory).orElse(workingDirectory);
		Path directory = workingDirectory;
		for (int level = 0; level < this.properties.maxConfigDepth(); level++) {
			Path candidate = directory.resolve(this.properties.configFile());
			if (isPresent(candidate)) {
				return new Search(Optional.of(candidate), "found");
			}
			// A .git directory, or a .git file (worktrees and submodules), marks the repository root.
			if (Files.exists(directory.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
				return new Search(Optional.empty(), "stopped at the repository root " + directory);
			}
			if (directory.equals(root)) {
				return new Search(Optional.empty(), "stopped at the allowed root " + root);
			}
			directory = directory.getParent();
			if (directory == null) {
				return new Search(Optional.empty(), "stopped at the filesystem root");
			}
		}
		return new Search(Optional.empty(), "stopped after " + this.properties.maxConfigDepth() + " directories");
	}

	/**
	 * Anything but a directory (or a dangling link) is the config file, so that a FIFO or a device there is
	 * reported by the reader, never silently passed over; nothing is opened here.
	 */
	private static boolean isPresent(Path candidate) {
		try {
			return !Files.readAttributes(candidate, BasicFileAttributes.class).isDirectory();
		}
		catch (IOException ex) {
			return false;
		}
	}

}
