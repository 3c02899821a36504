package io.codebase.registry.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The directory tree clients "work in" during tests: the only allowed root of every test context
 * ({@code registry.sessions.allowed-roots}), created once per JVM.
 */
public final class TestWorkspace {

	public static final Path ROOT = create();

	private TestWorkspace() {
	}

	/** A fresh directory under the root, for one test; named like a unique project, as resolution may derive one. */
	public static Path newDirectory(String label) {
		try {
			return Files.createDirectories(ROOT.resolve(Projects.uniqueName(label)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Writes {@code .codebase-mcp/config.json} in a directory (writable, as clients leave it). */
	public static Path writeConfig(Path directory, String json) {
		try {
			Path config = Files.createDirectories(directory.resolve(".codebase-mcp")).resolve("config.json");
			Files.writeString(config, json, StandardCharsets.UTF_8);
			return config;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A file in the formats of the systems this service replaces (copied from the shared fixtures). */
	public static String fixture(String name) {
		try (InputStream in = TestWorkspace.class.getResourceAsStream("/fixtures/" + name)) {
			if (in == null) {
				throw new IllegalArgumentException("No fixture " + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path create() {
		try {
			return Files.createTempDirectory("registry-workspace").toRealPath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
