package io.codebase.registry.security;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ApiKeysTest {

	private static final String PLAIN = "plain-key-0123456789";

	private static final String HASHED = "hashed-key-9876543210";

	private final ApiKeys keys = ApiKeys.of(List.of(new SecurityProperties.Key("ci", Role.ADMIN, PLAIN),
			new SecurityProperties.Key("indexer", Role.READER, ApiKeys.hash(HASHED).toUpperCase().replace("SHA256:", "sha256:"))));

	@Test
	void plainAndHashedKeysAuthenticateTheirHolder() {
		assertThat(this.keys.authenticate(PLAIN)).contains(new Caller("ci", Role.ADMIN));
		assertThat(this.keys.authenticate(HASHED)).contains(new Caller("indexer", Role.READER));
	}

	@Test
	void anythingElseIsNobody() {
		assertThat(this.keys.authenticate(PLAIN + " ")).isEmpty();
		assertThat(this.keys.authenticate(PLAIN.substring(1))).isEmpty();
		assertThat(this.keys.authenticate("")).isEmpty();
		assertThat(this.keys.authenticate(ApiKeys.hash(HASHED))).isEmpty();
	}

	@Test
	void configurationMistakesStopTheStartWithoutShowingTheKey() {
		assertThatIllegalStateException().isThrownBy(() -> ApiKeys.of(List.of(new SecurityProperties.Key("ci", Role.ADMIN, "short"))))
			.withMessageContaining("registry.security.keys[0] ('ci').key must be at least 16 characters")
			.withMessageNotContaining("short,");
		assertThatIllegalStateException().isThrownBy(() -> ApiKeys.of(List.of(new SecurityProperties.Key("ci", Role.ADMIN, "sha256:abc"))))
			.withMessageContaining("64 hex digits");
		assertThatIllegalStateException().isThrownBy(() -> ApiKeys.of(List.of(new SecurityProperties.Key("ci", null, PLAIN))))
			.withMessageContaining(".role must be reader or admin");
		assertThatIllegalStateException().isThrownBy(() -> ApiKeys.of(List.of(new SecurityProperties.Key("a b", Role.ADMIN, PLAIN))))
			.withMessageContaining(".name must be");
		assertThatIllegalStateException().isThrownBy(() -> ApiKeys.of(List.of(new SecurityProperties.Key("a", Role.ADMIN, PLAIN),
				new SecurityProperties.Key("a", Role.READER, HASHED)))).withMessageContaining("used by another key");
		assertThatIllegalStateException().isThrownBy(() -> ApiKeys.of(List.of(new SecurityProperties.Key("a", Role.ADMIN, PLAIN),
				new SecurityProperties.Key("b", Role.READER, ApiKeys.hash(PLAIN))))).withMessageContaining("configured twice")
			.withMessageNotContaining(PLAIN);
		assertThat(new SecurityProperties.Key("ci", Role.ADMIN, PLAIN).toString()).doesNotContain(PLAIN);
	}

}
