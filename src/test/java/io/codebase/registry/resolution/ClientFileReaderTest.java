package io.codebase.registry.resolution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.codebase.registry.resolution.Fifos.mkfifo;
import static io.codebase.registry.resolution.Fifos.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reads of client-controlled paths: only regular files, at most limit + 1 bytes, never longer than the timeout. */
class ClientFileReaderTest {

	private static final byte[] CONTENT = "{\"project\": {\"name\": \"x\"}}".getBytes(StandardCharsets.UTF_8);

	private final ClientFileReader reader = new ClientFileReader();

	@TempDir
	Path directory;

	@AfterEach
	void close() {
		this.reader.close();
	}

	@Test
	void readsARegularFileUpToOneByteMoreThanTheLimit() throws Exception {
		Path file = Files.write(this.directory.resolve("config.json"), CONTENT);
		assertThat(this.reader.read(file, 100)).isEqualTo(CONTENT);
		assertThat(this.reader.read(file, 10)).hasSize(11);
	}

	@Test
	void refusesFifosAndLinksWithoutOpeningThem() throws Exception {
		Path fifo = mkfifo(this.directory.resolve("fifo"));
		Path link = Files.createSymbolicLink(this.directory.resolve("link"), Files.write(this.directory.resolve("f"), CONTENT));
		try {
			assertThatThrownBy(() -> this.reader.read(fifo, 100)).isInstanceOf(IOException.class)
				.hasMessage("not a regular file");
			assertThatThrownBy(() -> this.reader.read(link, 100)).isInstanceOf(IOException.class)
				.hasMessage("not a regular file");
		}
		finally {
			release(fifo);
		}
	}

	/**
	 * The race no check can close: the path flips between a regular file and a FIFO as fast as it can. Every read
	 * ends within the timeout (an open that lands on the FIFO holds only a reader thread), and none ever answers
	 * anything but the regular file's bytes.
	 */
	@Test
	void aPathFlippingBetweenAFileAndAFifoNeverHoldsTheCallerPastTheTimeout() throws Exception {
		Path regular = Files.write(this.directory.resolve("regular"), CONTENT);
		Path fifo = mkfifo(this.directory.resolve("fifo"));
		Path config = this.directory.resolve("config.json");
		Files.createLink(config, regular);
		AtomicBoolean flipping = new AtomicBoolean(true);
		Thread flipper = new Thread(() -> {
			for (int i = 0; flipping.get(); i++) {
				try {
					Path next = Files.createLink(this.directory.resolve("next"), (i % 2 == 0) ? fifo : regular);
					Files.move(next, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}
		});
		flipper.start();
		try {
			long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			while (System.nanoTime() < end) {
				long started = System.nanoTime();
				try {
					assertThat(this.reader.read(config, 100)).isEqualTo(CONTENT);
				}
				catch (IOException refused) {
					// refused: a FIFO, a swap, or no answer in time
				}
				assertThat(Duration.ofNanos(System.nanoTime() - started))
					.isLessThan(ClientFileReader.TIMEOUT.plusSeconds(3));
			}
		}
		finally {
			flipping.set(false);
			flipper.join();
			release(fifo);
		}
	}

}
