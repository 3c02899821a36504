package io.codebase.registry.resolution;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.sun.net.httpserver.HttpServer;
import io.codebase.registry.project.CreateProjectRequest;
import io.codebase.registry.project.CreationPolicy;
import io.codebase.registry.project.ProjectLifecycle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Tier 3 through a real workflow service: an unknown active project is a reasoned miss; a known one a hit. */
@SpringBootTest(properties = "registry.workflow.cache-ttl=10s")
class WorkflowResolutionTest {

	private static final String ACTIVE = "workflow " + UUID.randomUUID().toString().substring(0, 8);

	private static final HttpServer server = start();

	@Autowired
	ResolutionService resolutions;

	@Autowired
	ProjectLifecycle projects;

	@DynamicPropertySource
	static void workflowUrl(DynamicPropertyRegistry registry) {
		registry.add("registry.workflow.url", () -> "http://127.0.0.1:" + server.getAddress().getPort());
	}

	@AfterAll
	static void stop() {
		server.stop(0);
	}

	@Test
	void anUnknownActiveProjectIsAReasonedMissThenAHitOnceItExists() {
		Resolution fallback = this.resolutions.resolve(new ResolutionRequest(null, null, null, null, true),
				CreationPolicy.MAY_CREATE);
		assertThat(fallback.tier()).isEqualTo(Tier.DEFAULT);
		assertThat(fallback.fallback()).isTrue();
		assertThat(fallback.trace()).anySatisfy(entry -> {
			assertThat(entry.tier()).isEqualTo(Tier.ACTIVE_PROJECT);
			assertThat(entry.outcome()).isEqualTo(TraceEntry.Outcome.MISS);
			assertThat(entry.reason()).contains("'" + ACTIVE + "'").contains("unknown to the registry");
		});

		this.projects.create(new CreateProjectRequest(ACTIVE, null, null, null));
		Resolution hit = this.resolutions.resolve(new ResolutionRequest(null, null, null, null, false),
				CreationPolicy.MAY_CREATE);

		assertThat(hit.tier()).isEqualTo(Tier.ACTIVE_PROJECT);
		assertThat(hit.project().name()).isEqualTo(ACTIVE);
		assertThat(hit.fallback()).isFalse();
	}

	private static HttpServer start() {
		try {
			HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			http.createContext("/api/v1/projects/active", exchange -> {
				byte[] body = ("{\"project_id\": \"" + ACTIVE + "\"}").getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			http.start();
			return http;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
