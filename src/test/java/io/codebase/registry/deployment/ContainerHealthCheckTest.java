package io.codebase.registry.deployment;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image's HEALTHCHECK program against a real HTTP server on loopback.
 */
class ContainerHealthCheckTest {

	private HttpServer server;

	private String base;

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		respond("/actuator/health/liveness", 200, "{\"status\":\"UP\"}");
		respond("/actuator/health/readiness", 503, "{\"status\":\"OUT_OF_SERVICE\"}");
		respond("/moved", 302, "");
		this.server.start();
		this.base = "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void upIsHealthy() {
		assertThat(ContainerHealthCheck.check(this.base + "/actuator/health/liveness", 2_000)).isZero();
	}

	@Test
	void downOrRedirectedIsUnhealthy() {
		assertThat(ContainerHealthCheck.check(this.base + "/actuator/health/readiness", 2_000)).isEqualTo(1);
		assertThat(ContainerHealthCheck.check(this.base + "/moved", 2_000)).isEqualTo(1);
		assertThat(ContainerHealthCheck.check(this.base + "/missing", 2_000)).isEqualTo(1);
	}

	@Test
	void nothingListeningIsUnhealthy() {
		String url = this.base + "/actuator/health/liveness";
		this.server.stop(0);
		assertThat(ContainerHealthCheck.check(url, 2_000)).isEqualTo(1);
		assertThat(ContainerHealthCheck.check("not a url", 2_000)).isEqualTo(1);
	}

	@Test
	void defaultUrlIsTheLivenessProbeOnServerPort() {
		assertThat(ContainerHealthCheck.DEFAULT_URL).isEqualTo(
				"http://localhost:" + ApplicationSettings.serverPort() + ApplicationSettings.LIVENESS_PATH);
	}

	private void respond(String path, int status, String body) {
		this.server.createContext(path, exchange -> {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			if (status == 302) {
				exchange.getResponseHeaders().add("Location", "/actuator/health/liveness");
			}
			exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
	}

}
