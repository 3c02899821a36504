package io.codebase.registry.resolution;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/** Named pipes for tests: made with mkfifo(1), and released so that no reader stays blocked on one. */
final class Fifos {

	private Fifos() {
	}

	static Path mkfifo(Path path) throws IOException, InterruptedException {
		assertThat(new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor()).isZero();
		return path;
	}

	/** Opens the FIFO for reading and writing, which never blocks on Linux and wakes every reader blocked on it. */
	static void release(Path fifo) throws IOException {
		try (FileChannel channel = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			// opening it is enough
		}
	}

}
