package io.codebase.registry.reconciliation;

import java.time.Duration;
import java.util.Map;

import io.codebase.registry.reconciliation.ReconciliationProperties.MissingDatabasePolicy;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The documented defaults of registry.reconciliation.*, and the values refused at start-up. */
class ReconciliationPropertiesTest {

	@Test
	void defaultsAreTheDocumentedOnes() {
		ReconciliationProperties properties = bind(Map.of());
		assertThat(properties.enabled()).isTrue();
		assertThat(properties.interval()).isEqualTo(Duration.ofSeconds(60));
		assertThat(properties.missingDatabase()).isEqualTo(MissingDatabasePolicy.MARK_FAILED);
		assertThat(properties.retryFailed()).isFalse();
		assertThat(properties.dropOrphans()).isFalse();
		assertThat(properties.orphanGracePeriod()).isEqualTo(Duration.ofHours(24));
	}

	@Test
	void configuredValuesBind() {
		ReconciliationProperties properties = bind(Map.of("registry.reconciliation.missing-database", "reprovision",
				"registry.reconciliation.interval", "5m", "registry.reconciliation.orphan-grace-period", "0s"));
		assertThat(properties.missingDatabase()).isEqualTo(MissingDatabasePolicy.REPROVISION);
		assertThat(properties.interval()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.orphanGracePeriod()).isZero();
	}

	@Test
	void aZeroIntervalOrANegativeGracePeriodIsRefused() {
		assertThatThrownBy(() -> bind(Map.of("registry.reconciliation.interval", "0s"))).isInstanceOf(BindException.class)
			.rootCause().hasMessageContaining("interval must be positive");
		assertThatThrownBy(() -> bind(Map.of("registry.reconciliation.orphan-grace-period", "-1h")))
			.isInstanceOf(BindException.class).rootCause().hasMessageContaining("must not be negative");
	}

	private static ReconciliationProperties bind(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("registry.reconciliation",
				ReconciliationProperties.class);
	}

}
