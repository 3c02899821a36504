package io.codebase.registry.fault;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.codebase.registry.support.RegistryProcess;

/**
 * The replicas (packaged jars sharing one PostgreSQL), the HTTP client every operation goes through (with its
 * deadline), and the time windows of the faults injected so far, which decide whether a 5xx is excused.
 */
final class Cluster implements AutoCloseable {

	static final Duration DEADLINE = Duration.ofSeconds(Long.getLong("fault.deadline-seconds", 15));

	static final Duration STARTUP = Duration.ofMinutes(5);

	/** How long after a fault ends its after-effects (a failed request, a 503) are still excused. */
	private static final long FAULT_GRACE_NANOS = Duration.ofSeconds(2).toNanos();

	private final List<Replica> replicas = new ArrayList<>();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(3))
		.build();

	/** Restarts wait minutes for readiness: a thread each, not the common pool. */
	private final java.util.concurrent.ExecutorService restarts = java.util.concurrent.Executors.newCachedThreadPool();

	/** [start, end] in nanoTime of every fault; end is Long.MAX_VALUE while it lasts. */
	private final List<long[]> faultWindows = new CopyOnWriteArrayList<>();

	/** One replica: its process, whether requests may be sent to it, and when it was killed. */
	static final class Replica {

		final int index;

		final RegistryProcess process;

		/** Pool connections and the coherence listener, as PostgreSQL's pg_stat_activity names them. */
		final String poolName;

		final String listenerName;

		volatile boolean up;

		final List<long[]> downWindows = new CopyOnWriteArrayList<>();

		volatile CompletableFuture<Boolean> restart = CompletableFuture.completedFuture(true);

		Replica(int index, RegistryProcess process, String poolName, String listenerName) {
			this.index = index;
			this.process = process;
			this.poolName = poolName;
			this.listenerName = listenerName;
		}

	}

	/** An answer, or how the request failed; times in nanoTime. */
	record Reply(int replica, String method, String path, int status, String body, Map<String, String> headers,
			Failure failure, String error, long start, long end) {

		boolean ok() {
			return this.failure == Failure.NONE && this.status >= 200 && this.status < 300;
		}

		long millis() {
			return (this.end - this.start) / 1_000_000;
		}

		String header(String name) {
			return this.headers.get(name.toLowerCase(java.util.Locale.ROOT));
		}

		String summary() {
			return switch (this.failure) {
				case NONE -> String.valueOf(this.status);
				case TIMEOUT -> "TIMEOUT";
				case IO -> "IO(" + this.error + ")";
			};
		}

	}

	enum Failure {
		NONE, IO, TIMEOUT
	}

	/**
	 * @param properties every replica's settings; each also gets its own port and the names its connections carry
	 */
	Cluster(int size, Map<String, String> properties, Path logs) {
		for (int i = 0; i < size; i++) {
			String name = "fault-r" + i;
			Map<String, String> own = new LinkedHashMap<>(properties);
			own.put("spring.application.name", name);
			own.put("spring.datasource.hikari.data-source-properties.ApplicationName", name + " pool");
			int port = RegistryProcess.freePort();
			this.replicas.add(new Replica(i, new RegistryProcess(port, own, logs.resolve("replica-" + i + ".log")),
					name + " pool", name + " coherence listener"));
		}
	}

	/** Starts every replica at once and waits until all are ready. */
	void startAll() throws Exception {
		for (Replica replica : this.replicas) {
			replica.process.start();
		}
		for (Replica replica : this.replicas) {
			if (!replica.process.awaitReady(STARTUP)) {
				throw new IllegalStateException("replica " + replica.index + " did not start; see " + replica.process.log());
			}
			replica.up = true;
		}
	}

	List<Replica> replicas() {
		return this.replicas;
	}

	Replica replica(int index) {
		return this.replicas.get(index);
	}

	int size() {
		return this.replicas.size();
	}

	/** A replica requests may go to: the drawn one, or the next that is up (the draw stays the same on replay). */
	int pick(Random random) {
		int drawn = random.nextInt(this.replicas.size());
		for (int i = 0; i < this.replicas.size(); i++) {
			int index = (drawn + i) % this.replicas.size();
			if (this.replicas.get(index).up) {
				return index;
			}
		}
		return drawn;
	}

	boolean allUp() {
		return this.replicas.stream().allMatch(replica -> replica.up);
	}

	/** SIGKILL; a restart on the same port and settings begins in the background at once. */
	void killAndRestart(int index) throws InterruptedException {
		Replica replica = this.replicas.get(index);
		replica.up = false;
		long killed = System.nanoTime();
		replica.process.kill();
		long[] window = { killed, Long.MAX_VALUE };
		replica.downWindows.add(window);
		replica.restart = CompletableFuture.supplyAsync(() -> {
			try {
				replica.process.start();
				boolean ready = replica.process.awaitReady(STARTUP);
				replica.up = ready;
				return ready;
			}
			catch (IOException ex) {
				return false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			finally {
				window[1] = System.nanoTime();
			}
		}, this.restarts);
	}

	long[] openFault() {
		long[] window = { System.nanoTime(), Long.MAX_VALUE };
		this.faultWindows.add(window);
		return window;
	}

	void closeFault(long[] window) {
		window[1] = System.nanoTime();
	}

	/** Whether any fault overlapped the request (with a grace period after it ended). */
	boolean duringFault(Reply reply) {
		return overlaps(this.faultWindows, reply.start(), reply.end());
	}

	/** Whether the replica was killed, or still down, while the request ran. */
	boolean replicaWasDown(Reply reply) {
		return overlaps(this.replicas.get(reply.replica()).downWindows, reply.start(), reply.end());
	}

	private static boolean overlaps(List<long[]> windows, long start, long end) {
		for (long[] window : windows) {
			long windowEnd = (window[1] == Long.MAX_VALUE) ? Long.MAX_VALUE : window[1] + FAULT_GRACE_NANOS;
			if (start <= windowEnd && end >= window[0]) {
				return true;
			}
		}
		return false;
	}

	Reply send(int replica, String method, String path, String body, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(
				URI.create("http://127.0.0.1:" + this.replicas.get(replica).process.port() + path))
			.timeout(DEADLINE)
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (body != null && !headers.containsKey("Content-Type")) {
			request.header("Content-Type", "application/json");
		}
		headers.forEach(request::header);
		long start = System.nanoTime();
		try {
			HttpResponse<String> response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			Map<String, String> responseHeaders = new LinkedHashMap<>();
			response.headers().map().forEach((name, values) -> responseHeaders.put(name.toLowerCase(java.util.Locale.ROOT),
					String.join(",", values)));
			return new Reply(replica, method, path, response.statusCode(), response.body(), responseHeaders,
					Failure.NONE, null, start, System.nanoTime());
		}
		catch (HttpTimeoutException ex) {
			return new Reply(replica, method, path, 0, null, Map.of(), Failure.TIMEOUT, ex.getMessage(), start,
					System.nanoTime());
		}
		catch (IOException ex) {
			return new Reply(replica, method, path, 0, null, Map.of(), Failure.IO, ex.getClass().getSimpleName(), start,
					System.nanoTime());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Reply(replica, method, path, 0, null, Map.of(), Failure.IO, "interrupted", start, System.nanoTime());
		}
	}

	@Override
	public void close() throws InterruptedException {
		for (Replica replica : this.replicas) {
			replica.up = false;
			replica.process.kill();
		}
		// A restart under way would start a process after the kill: let it end, then kill again.
		this.restarts.shutdownNow();
		this.restarts.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
		for (Replica replica : this.replicas) {
			replica.process.kill();
		}
	}

}
