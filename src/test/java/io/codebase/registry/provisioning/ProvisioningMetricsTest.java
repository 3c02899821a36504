package io.codebase.registry.provisioning;

import java.util.UUID;

import io.codebase.registry.provisioning.DatabaseProvisioner.Operation;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code registry.provisioning.duration}: every operation and result exists from the start (an alert on failures
 * needs a series before the first failure), with histogram buckets for latency percentiles.
 */
class ProvisioningMetricsTest {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void everyOperationAndResultIsRegisteredAtZeroAndAFailureIsCounted() {
		// Nothing listens on port 1: every connection is refused at once.
		DatabaseProvisioner provisioner = Provisioners.withoutManagedTemplate(
				new ProvisioningProperties("", "", "", "cb_proj_", 2, ""), this.meters);
		DatabaseServer nowhere = DatabaseServer.shared("nowhere",
				new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none"), "jdbc:postgresql://127.0.0.1:1/none",
				"nobody", "");

		for (String operation : new String[] { "create", "migrate", "secure", "drop" }) {
			for (String result : new String[] { "success", "failure" }) {
				assertThat(timer(operation, result).count()).as("%s %s", operation, result).isZero();
			}
		}
		assertThat(Operation.values()).hasSize(4);

		assertThatExceptionOfType(ProvisioningException.class)
			.isThrownBy(() -> provisioner.dropDatabase(nowhere, provisioner.databaseNameFor("gone", UUID.randomUUID())));

		Timer failures = timer("drop", "failure");
		assertThat(failures.count()).isEqualTo(1);
		assertThat(failures.takeSnapshot().histogramCounts()).as("histogram buckets").hasSize(8);
		assertThat(timer("drop", "success").count()).isZero();
	}

	private Timer timer(String operation, String result) {
		return this.meters.get("registry.provisioning.duration").tags("operation", operation, "result", result).timer();
	}

}
