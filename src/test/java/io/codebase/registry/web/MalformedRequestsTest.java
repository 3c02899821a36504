package io.codebase.registry.web;

import java.net.http.HttpResponse;
import java.util.Map;

import io.codebase.registry.support.Http;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static io.codebase.registry.support.Problems.assertProblem;

/** Requests refused below the controllers (by Tomcat, by parameter decoding) are problems too, never 500 or HTML. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MalformedRequestsTest {

	private static final String ANY_ID = "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11";

	@LocalServerPort
	int port;

	@Test
	void anEncodedSlashInThePathIsABadRequestProblem() {
		assertProblem(http().get("/api/v1/projects/%2Fetc%2Fpasswd"), 400, "malformed-request");
	}

	@Test
	void listFiltersThatPostgreSqlCannotTakeAreInvalidRequests() {
		// A NUL byte reached PostgreSQL as a string parameter and came back as a 500 (found by the fuzzer).
		assertProblem(http().get("/api/v1/projects?schemaVersion=nul%00byte"), 400, "invalid-request");
		assertProblem(http().get("/api/v1/projects?namePrefix=nul%00byte"), 400, "invalid-request");
		assertProblem(http().get("/api/v1/projects?namePrefix=" + "p".repeat(256)), 400, "invalid-request");
		assertThat(http().get("/api/v1/projects?schemaVersion=none&namePrefix=nobody").statusCode()).isEqualTo(200);
	}

	@Test
	void oversizedHeadersAreABadRequestProblem() {
		assertProblem(http().send("GET", "/api/v1/projects", null, Map.of("X-Padding", "p".repeat(20_000))), 400, "malformed-request");
	}

	@Test
	void aMalformedFormBodyIsRefusedAsAnUnsupportedMediaType() {
		HttpResponse<String> response = http().send("PUT", "/api/v1/sessions/form-session", "%%%=\u0013&x=%C0",
				Map.of("Content-Type", "application/x-www-form-urlencoded"));
		assertProblem(response, 415, "unsupported-media-type");
		assertProblem(http().send("POST", "/api/v1/projects/" + ANY_ID + "/reindex", "a=%FF%FE",
				Map.of("Content-Type", "application/x-www-form-urlencoded")), 415, "unsupported-media-type");
	}

	@Test
	void undecodableParametersAreABadRequestProblem() {
		assertProblem(http().get("/api/v1/projects?namePrefix=%C0%AF"), 400, "malformed-parameters");
	}

	private Http http() {
		return new Http(this.port);
	}

}
