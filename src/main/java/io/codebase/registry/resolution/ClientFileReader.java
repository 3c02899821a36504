package io.codebase.registry.resolution;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Reads files at paths a client controls (its config file) without ever blocking the caller on them, and
 * without reading more than asked.
 *
 * <p>A client may put a FIFO, or swap one in at any moment, where its config file was. Opening a FIFO for reading
 * blocks until a writer opens it, and Java 17 cannot open with {@code O_NONBLOCK}, nor fstat an open channel. So:
 * <ol>
 * <li>The path itself (links not followed) must be a regular file: a FIFO, device, socket or link found there is
 * refused before anything is opened. This decides every case but a swap in the instant before the open.</li>
 * <li>The open ({@code O_NOFOLLOW}) and the read run on a reader thread, and the caller waits for them at most
 * {@link #TIMEOUT}. An open that a FIFO swapped in after the check blocks is the one thing no check can prevent
 * (only a native {@code O_NONBLOCK} open could): it holds that reader thread until someone opens the FIFO for
 * writing, never the caller, who gets its error in time. Cancelling interrupts the reader, which closes its
 * channel and so ends a blocked read. The pool is bounded: stuck opens cost at most {@link #READERS} threads,
 * after which reads time out until they are released.</li>
 * <li>What was opened is checked, not the path: the channel must seek (a pipe cannot, so a FIFO that did open
 * because a writer held it is refused before a byte is read), and the path must still name the file that was
 * checked (same file key after the open as before), so a file swapped in meanwhile is refused too.</li>
 * <li>At most {@code limit + 1} bytes are read, whatever size the file claims, so a caller can tell "too large".</li>
 * </ol>
 */
@Component
class ClientFileReader implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(2);

	/** Reads at once: far more than reads of small files need, so that a few stuck opens leave room for the rest. */
	private static final int READERS = 32;

	private static final Logger log = LoggerFactory.getLogger(ClientFileReader.class);

	private final ThreadPoolExecutor readers;

	ClientFileReader() {
		AtomicInteger count = new AtomicInteger();
		this.readers = new ThreadPoolExecutor(READERS, READERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				task -> {
					Thread thread = new Thread(task, "client-file-reader-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.readers.allowCoreThreadTimeOut(true);
	}

	/**
	 * The first {@code limit + 1} bytes (or fewer: all) of the regular file at {@code file}; the messages of the
	 * exceptions complete "cannot be read: ".
	 */
	byte[] read(Path file, long limit) throws IOException {
		BasicFileAttributes checked = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		if (!checked.isRegularFile()) {
			throw new IOException("not a regular file");
		}
		FutureTask<byte[]> reading = new FutureTask<>(() -> openAndRead(file, checked, limit));
		try {
			this.readers.execute(reading);
			return reading.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			throw new IOException("the service is shutting down");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof IOException io) {
				throw io;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (TimeoutException ex) {
			cancel(reading);
			log.warn("Reading {} took longer than {} ms: abandoned (a FIFO or a stalled file system?)", file,
					TIMEOUT.toMillis());
			throw new IOException("no data within " + TIMEOUT.toMillis() + " ms");
		}
		catch (InterruptedException ex) {
			cancel(reading);
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("interrupted");
		}
	}

	@Override
	public void close() {
		this.readers.shutdownNow();
	}

	private void cancel(FutureTask<byte[]> reading) {
		reading.cancel(true);
		this.readers.remove(reading);
	}

	private static byte[] openAndRead(Path file, BasicFileAttributes checked, long limit) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
			try {
				channel.position(0);
			}
			catch (IOException ex) {
				throw new IOException("not a regular file");
			}
			Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
			if (!Objects.equals(key, checked.fileKey())) {
				throw new IOException("it was replaced while it was opened");
			}
			ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(limit + 1));
			while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
				// until the buffer is full or the file ends
			}
			return Arrays.copyOf(buffer.array(), buffer.position());
		}
	}

}
