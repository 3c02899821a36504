package io.codebase.registry.resolution;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workflow client against a real local HTTP server playing each case: every failure is an answer with a
 * reason, within the timeout, never an exception.
 */
class WorkflowClientTest {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	private HttpServer server;

	private final AtomicReference<Behaviour> behaviour = new AtomicReference<>();

	private final AtomicInteger requests = new AtomicInteger();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@FunctionalInterface
	interface Behaviour {

		void answer(HttpExchange exchange) throws IOException;

	}

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/api/v1/projects/active", exchange -> {
			this.requests.incrementAndGet();
			try {
				this.behaviour.get().answer(exchange);
			}
			finally {
				exchange.close();
			}
		});
		this.server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
	}

	@Test
	void anActiveProjectIsAnsweredAndReusedForTheCacheTtl() {
		this.behaviour.set(exchange -> respond(exchange, 200, "{\"project_id\": \"Payments Service\"}"));
		WorkflowClient client = client(url());

		WorkflowClient.Answer answer = client.activeProject();
		assertThat(answer.project()).isEqualTo("Payments Service");
		assertThat(client.activeProject()).isEqualTo(answer);
		assertThat(this.requests).hasValue(1);
		assertThat(this.meters.get("registry.workflow.requests").tag("result", "answered").counter().count()).isEqualTo(1);
	}

	@Test
	void aSlowServiceIsAMissWithinTheTimeout() {
		this.behaviour.set(exchange -> {
			sleep(3000);
			respond(exchange, 200, "{\"project_id\": \"late\"}");
		});
		long started = System.nanoTime();
		WorkflowClient.Answer answer = client(url()).activeProject();
		Duration took = Duration.ofNanos(System.nanoTime() - started);

		assertThat(answer.hasProject()).isFalse();
		assertThat(answer.result()).isEqualTo("timeout");
		assertThat(answer.reason()).contains("did not answer within 300 ms");
		assertThat(took).isLessThan(Duration.ofMillis(2500));
	}

	@Test
	void aRefusedConnectionIsAMiss() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		WorkflowClient.Answer answer = client("http://127.0.0.1:" + closedPort).activeProject();
		assertThat(answer.result()).isEqualTo("refused");
	}

	@Test
	void badAnswersAreMissesWithTheirReason() {
		WorkflowClient client = client(url());
		this.behaviour.set(exchange -> respond(exchange, 200, "{not json"));
		assertThat(client.activeProject().result()).isEqualTo("bad_response");
		this.behaviour.set(exchange -> respond(exchange, 200, "{\"project_id\": 42}"));
		assertThat(client.activeProject().result()).isEqualTo("bad_response");
		this.behaviour.set(exchange -> respond(exchange, 500, "oops"));
		assertThat(client.activeProject().reason()).contains("HTTP 500");
		this.behaviour.set(exchange -> respond(exchange, 200, "{\"project_id\": null}"));
		assertThat(client.activeProject().result()).isEqualTo("no_active_project");
		this.behaviour.set(exchange -> respond(exchange, 404, "{}"));
		assertThat(client.activeProject().result()).isEqualTo("no_active_project");
		// Failures are not cached: each call asked again.
		assertThat(this.requests).hasValue(5);
	}

	@Test
	void settingsAreBounded() {
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new WorkflowProperties("http://x", Duration.ofSeconds(6), Duration.ofSeconds(60)));
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new WorkflowProperties("http://x", Duration.ofSeconds(1), Duration.ofSeconds(5)));
	}

	private WorkflowClient client(String url) {
		return new WorkflowClient(new WorkflowProperties(url, TIMEOUT, Duration.ofSeconds(60)), JsonMapper.builder().build(),
				this.meters);
	}

	private String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
