package io.codebase.registry.project;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** Real threads racing real HTTP requests into one PostgreSQL. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConcurrentCreateTest {

	private static final int THREADS = 20;

	@LocalServerPort
	int port;

	@Test
	void twentySimultaneousCreatesOfOneNameGiveOneProjectAndOneDatabase() throws Exception {
		String name = Projects.uniqueName("race");
		Http http = new Http(this.port);
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<HttpResponse<String>>> responses = new ArrayList<>();
			for (int i = 0; i < THREADS; i++) {
				// Alternate the case: uniqueness is case-insensitive.
				String variant = (i % 2 == 0) ? name : name.toUpperCase();
				responses.add(pool.submit(() -> {
					start.await();
					return http.post("/api/v1/projects", "{\"name\": \"" + variant + "\"}");
				}));
			}
			start.countDown();
			List<Integer> statuses = new ArrayList<>();
			for (Future<HttpResponse<String>> response : responses) {
				statuses.add(response.get().statusCode());
			}

			assertThat(statuses).filteredOn(status -> status == 201).hasSize(1);
			assertThat(statuses).filteredOn(status -> status == 409).hasSize(THREADS - 1);
		}
		finally {
			pool.shutdownNow();
		}
		TestDatabase db = TestDatabase.get();
		assertThat(db.count("SELECT count(*) FROM projects WHERE name_key = ?", name)).isEqualTo(1);
		assertThat(db.databasesStartingWith("cb_proj_" + name.replace('-', '_') + "_")).isEqualTo(1);
	}

}
