package io.codebase.registry.provisioning;

import java.util.Random;
import java.util.UUID;

import io.codebase.registry.project.ProjectName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DatabaseNamesTest {

	private static final UUID ID = UUID.fromString("3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11");

	@Test
	void followsTheCodebaseMcpConvention() {
		assertThat(DatabaseNames.derive("cb_proj_", "Payments Service", ID)).isEqualTo("cb_proj_payments_service_3f6c1a52");
		assertThat(DatabaseNames.derive("cb_proj_", "my-app", ID)).isEqualTo("cb_proj_my_app_3f6c1a52");
		assertThat(DatabaseNames.derive("cb_proj_", "A".repeat(255), ID))
			.isEqualTo("cb_proj_" + "a".repeat(30) + "_3f6c1a52")
			.matches("^cb_proj_[a-z0-9_]+_[a-f0-9]{8}$");
	}

	@Test
	void namesSharingALongPrefixGetDifferentDatabases() {
		String prefix = "customer-analytics-pipeline-stage-";
		assertThat(DatabaseNames.derive("cb_proj_", prefix + "one", UUID.randomUUID()))
			.isNotEqualTo(DatabaseNames.derive("cb_proj_", prefix + "two", UUID.randomUUID()));
	}

	/** Seeded, so repeatable: any name the API accepts yields a managed name that cannot leave its quotes. */
	@Test
	void everyAcceptedNameYieldsAManagedIdentifier() {
		Random random = new Random(42);
		String alphabet = "abcXYZ019_- ";
		for (int i = 0; i < 10_000; i++) {
			StringBuilder name = new StringBuilder("a");
			int length = random.nextInt(254);
			for (int c = 0; c < length; c++) {
				name.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			name.append('9');
			assertThat(ProjectName.isValid(name.toString())).isTrue();
			String database = DatabaseNames.derive("cb_proj_", name.toString(), UUID.randomUUID());
			assertThat(DatabaseNames.isManaged("cb_proj_", database)).as(database).isTrue();
			assertThat(database.length()).isLessThanOrEqualTo(63);
			assertThat(DatabaseNames.quote(database)).isEqualTo('"' + database + '"');
		}
	}

	@Test
	void quotingRefusesAnythingButAManagedName() {
		for (String hostile : new String[] { "x\"; DROP DATABASE postgres; --", "postgres", "cb_proj_x_3F6C1A52",
				"cb_proj_x", "cb_proj_" + "a".repeat(60) + "_3f6c1a52", "cb_proj_a b_3f6c1a52", "_x_3f6c1a52", null }) {
			assertThatIllegalArgumentException().as(hostile).isThrownBy(() -> DatabaseNames.quote(hostile));
		}
		// A project created under an earlier prefix can still be dropped; adoption needs the current one.
		assertThat(DatabaseNames.quote("old_x_3f6c1a52")).isEqualTo("\"old_x_3f6c1a52\"");
		assertThat(DatabaseNames.isManaged("cb_proj_", "old_x_3f6c1a52")).isFalse();
	}

	@Test
	void prefixesAreValidated() {
		assertThat(DatabaseNames.isValidPrefix("cb_proj_")).isTrue();
		assertThat(DatabaseNames.isValidPrefix("Bad-Prefix")).isFalse();
		assertThat(DatabaseNames.isValidPrefix("\"")).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> new ProvisioningProperties("", "", "", "x\";", 2, ""));
	}

}
