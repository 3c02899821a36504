package io.codebase.registry.coherence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.codebase.registry.project.ProjectCacheInvalidation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/** What the listener does with each payload, its gauge, and its health when it is turned off (no database needed). */
class ProjectChangeListenerTest {

	private final List<String> calls = new ArrayList<>();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ProjectCacheInvalidation cache = new ProjectCacheInvalidation() {

		@Override
		public void invalidate(UUID id, String oldName, String newName) {
			ProjectChangeListenerTest.this.calls.add("invalidate " + id + " " + oldName + " " + newName);
		}

		@Override
		public void invalidateAll() {
			ProjectChangeListenerTest.this.calls.add("invalidateAll");
		}

		@Override
		public void notificationsLost() {
			ProjectChangeListenerTest.this.calls.add("lost");
		}

	};

	@Test
	void aNotificationInvalidatesItsIdAndBothNamesAnUnreadableOneClearsEverything() {
		ProjectChangeListener listener = listener(true);
		UUID id = UUID.randomUUID();

		listener.handle("{\"operation\": \"UPDATE\", \"id\": \"" + id + "\", \"oldName\": \"a\", \"newName\": \"b\", \"version\": 3}");
		listener.handle("{\"operation\": \"INSERT\", \"id\": \"" + id + "\", \"oldName\": null, \"newName\": \"b\", \"version\": 0}");
		listener.handle("not json");
		listener.handle("{\"operation\": \"DELETE\"}");

		assertThat(this.calls).containsExactly("invalidate " + id + " a b", "invalidate " + id + " null b",
				"invalidateAll", "invalidateAll");
	}

	@Test
	void itsListeningGaugeIsZeroUntilItListensAndAbsentWhenTurnedOff() {
		listener(true);
		assertThat(this.meters.get("registry.coherence.listening").gauge().value()).isZero();

		SimpleMeterRegistry turnedOff = new SimpleMeterRegistry();
		listener(false, turnedOff);
		assertThat(turnedOff.find("registry.coherence.listening").gauge()).isNull();
	}

	@Test
	void turnedOffItDoesNotStartAndReportsUp() {
		ProjectChangeListener listener = listener(false);

		assertThat(listener.isAutoStartup()).isFalse();
		listener.start();
		assertThat(listener.isRunning()).isFalse();
		Health health = new CoherenceHealthIndicator(listener).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("enabled", false).containsEntry("state", "DISABLED");
	}

	private ProjectChangeListener listener(boolean enabled) {
		return listener(enabled, this.meters);
	}

	private ProjectChangeListener listener(boolean enabled, SimpleMeterRegistry meters) {
		CoherenceProperties properties = new CoherenceProperties(enabled, Duration.ofSeconds(1), Duration.ofSeconds(10),
				Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(5));
		// No connection details: these tests never connect.
		return new ProjectChangeListener(this.cache, properties, null, "test", meters);
	}

}
