package io.codebase.registry.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application (system property {@code registry.jar}, set by failsafe) run as a process of its own,
 * so that tests can kill it with SIGKILL or stop it with SIGTERM, and start it again on the same port and settings.
 */
public final class RegistryProcess {

	private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final int port;

	private final List<String> command;

	private final Path log;

	private Process process;

	/**
	 * @param properties passed as {@code --key=value} arguments
	 * @param log file that collects the output of every start (appended)
	 */
	public RegistryProcess(int port, Map<String, String> properties, Path log) {
		this(Path.of(System.getProperty("registry.jar", "target/project-registry-0.1.0-SNAPSHOT.jar")), port, properties,
				log);
	}

	/** Another build of the application (an earlier release, say) run the same way. */
	public RegistryProcess(Path jar, int port, Map<String, String> properties, Path log) {
		this.port = port;
		this.log = log;
		if (!Files.exists(jar)) {
			throw new IllegalStateException("No packaged application at " + jar + " (run ./mvnw package first)");
		}
		this.command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--server.port=" + port));
		properties.forEach((key, value) -> this.command.add("--" + key + "=" + value));
	}

	/** A port nobody listens on right now. */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	public Path log() {
		return this.log;
	}

	/** Starts the process; returns at once (see {@link #awaitReady(Duration)}). */
	public synchronized void start() throws IOException {
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException("already running on port " + this.port);
		}
		Files.createDirectories(this.log.getParent());
		this.process = new ProcessBuilder(this.command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
			.start();
	}

	/** Waits until readiness answers 200; false if the process died or the time ran out. */
	public boolean awaitReady(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!isAlive()) {
				return false;
			}
			if (isReady()) {
				return true;
			}
			Thread.sleep(200);
		}
		return false;
	}

	/**
	 * Whether readiness and the health group dependencies (the database and the coherence listener, which readiness
	 * leaves out) both answer 200 right now: the instance takes traffic and can serve every request.
	 */
	public boolean isReady() throws InterruptedException {
		return answers200("/actuator/health/readiness") && answers200("/actuator/health/dependencies");
	}

	private boolean answers200(String path) throws InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(3))
			.build();
		try {
			return PROBE.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
	}

	public synchronized boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/** SIGTERM, as an orchestrator stops a container: the graceful shutdown runs. Returns the exit code. */
	public int stop(Duration timeout) throws InterruptedException {
		Process running;
		synchronized (this) {
			running = this.process;
		}
		running.destroy();
		return awaitExit(timeout);
	}

	/** Waits for the process to end by itself (a start that fails); returns its exit code. */
	public int awaitExit(Duration timeout) throws InterruptedException {
		Process running;
		synchronized (this) {
			running = this.process;
		}
		if (!running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("process on port " + this.port + " still running after " + timeout);
		}
		return running.exitValue();
	}

	/** SIGKILL: no shutdown hook, no graceful shutdown; waits until the process is gone. */
	public void kill() throws InterruptedException {
		Process running;
		synchronized (this) {
			running = this.process;
		}
		if (running != null) {
			running.destroyForcibly();
			if (!running.waitFor(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("process on port " + this.port + " survived SIGKILL for 30 s");
			}
		}
	}

}
