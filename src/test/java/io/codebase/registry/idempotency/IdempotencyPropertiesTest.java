package io.codebase.registry.idempotency;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The defaults docs/operations.md documents, and the settings that would break the store refused at start-up. */
class IdempotencyPropertiesTest {

	@Test
	void defaults() {
		IdempotencyProperties properties = bind(Map.of());
		assertThat(properties.ttl()).isEqualTo(Duration.ofHours(24));
		assertThat(properties.inProgressTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.maxKeyLength()).isEqualTo(255);
		assertThat(properties.purgeInterval()).isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void keysLongerThanTheColumnAndTimeoutsNotShorterThanTheTtlAreRefused() {
		assertThatThrownBy(() -> bind(Map.of("registry.idempotency.max-key-length", "256"))).isInstanceOf(BindException.class)
			.rootCause().hasMessageContaining("max-key-length");
		assertThatThrownBy(() -> bind(Map.of("registry.idempotency.max-key-length", "0"))).isInstanceOf(BindException.class);
		assertThatThrownBy(() -> bind(Map.of("registry.idempotency.ttl", "1m"))).isInstanceOf(BindException.class)
			.rootCause().hasMessageContaining("in-progress-timeout");
		assertThatThrownBy(() -> bind(Map.of("registry.idempotency.purge-interval", "0s"))).isInstanceOf(BindException.class);
	}

	private static IdempotencyProperties bind(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("registry.idempotency",
				IdempotencyProperties.class);
	}

}
