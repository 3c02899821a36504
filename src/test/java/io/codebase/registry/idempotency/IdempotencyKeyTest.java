package io.codebase.registry.idempotency;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyKeyTest {

	@Test
	void bareAndQuotedFormsMeanTheSameKey() {
		assertThat(IdempotencyKey.parse("8e03978e-40d5", 255)).hasValue(new IdempotencyKey("8e03978e-40d5"));
		assertThat(IdempotencyKey.parse("\"8e03978e-40d5\"", 255)).hasValue(new IdempotencyKey("8e03978e-40d5"));
		assertThat(IdempotencyKey.parse("\"say \\\"hi\\\" \\\\ bye\"", 255)).hasValue(new IdempotencyKey("say \"hi\" \\ bye"));
	}

	@Test
	void lengthIsBoundedAndOnlyPrintableAsciiIsAccepted() {
		assertThat(IdempotencyKey.parse("k".repeat(10), 10)).isPresent();
		assertThat(IdempotencyKey.parse("k".repeat(11), 10)).isEmpty();
		assertThat(IdempotencyKey.parse("", 10)).isEmpty();
		assertThat(IdempotencyKey.parse("\"\"", 10)).isEmpty();
		assertThat(IdempotencyKey.parse("caf\u00e9", 10)).isEmpty();
		assertThat(IdempotencyKey.parse("a\tb", 10)).isEmpty();
		assertThat(IdempotencyKey.parse("\"open", 10)).isEmpty();
		assertThat(IdempotencyKey.parse("\"a\"b\"", 10)).isEmpty();
		assertThat(IdempotencyKey.parse("\"a\\nb\"", 10)).isEmpty();
	}

	@Test
	void theFingerprintTellsEveryPartApart() {
		byte[] body = "{}".getBytes();
		assertThat(Fingerprint.of("POST", "/a", null, body)).isEqualTo(Fingerprint.of("POST", "/a", null, body))
			.isNotEqualTo(Fingerprint.of("POST", "/a", "x=1", body))
			.isNotEqualTo(Fingerprint.of("POST", "/b", null, body))
			.isNotEqualTo(Fingerprint.of("POST", "/a", null, "{ }".getBytes()));
		// Bytes moved from one part to the next are another request.
		assertThat(Fingerprint.of("POST", "/a", "b", new byte[0])).isNotEqualTo(Fingerprint.of("POST", "/ab", null, new byte[0]));
	}

	@Test
	void onlyTheListedPostsAreIdempotentWrites() {
		assertThat(IdempotentOperations.match("POST", "/api/v1/projects")).hasValue("POST /api/v1/projects");
		assertThat(IdempotentOperations.match("POST", "/api/v1/projects/3f6c1a52/provision"))
			.hasValue("POST /api/v1/projects/{project}/provision");
		assertThat(IdempotentOperations.match("POST", "/api/v1/resolutions")).isEmpty();
		assertThat(IdempotentOperations.match("PATCH", "/api/v1/projects/3f6c1a52")).isEmpty();
		assertThat(IdempotentOperations.match("GET", "/api/v1/projects")).isEmpty();
	}

}
