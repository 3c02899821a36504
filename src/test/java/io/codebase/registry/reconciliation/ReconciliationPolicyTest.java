package io.codebase.registry.reconciliation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.codebase.registry.reconciliation.DriftDetector.Sighting;
import io.codebase.registry.reconciliation.ReconciliationPolicy.Decision;
import io.codebase.registry.reconciliation.ReconciliationPolicy.Remedy;
import io.codebase.registry.reconciliation.ReconciliationProperties.MissingDatabasePolicy;
import io.codebase.registry.reconciliation.ValidationReport.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The policy table and the one vocabulary, without a database: every kind has its action, remedy and names. */
class ReconciliationPolicyTest {

	private static final Instant NOW = Instant.parse("2026-11-23T20:00:00Z");

	private static final Duration GRACE = Duration.ofHours(1);

	private static final UUID PROJECT = UUID.fromString("3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11");

	@Test
	void everyKindHasAnActionARemedyAndAFixByHandUnderEverySetting() {
		List<String> missing = new ArrayList<>();
		for (ReconciliationProperties settings : everySetting()) {
			ReconciliationPolicy policy = new ReconciliationPolicy(settings);
			for (DriftKind kind : DriftKind.values()) {
				for (Instant since : new Instant[] { null, NOW, NOW.minus(GRACE) }) {
					Decision decision = policy.decide(sighting(kind, since), NOW);
					if (decision == null || decision.remedy() == null || decision.action() == null
							|| decision.action().isBlank()) {
						missing.add(kind + " under " + settings + " since " + since + ": " + decision);
					}
				}
				String fix = policy.manualFix(kind, PROJECT);
				if (fix == null || fix.isBlank()) {
					missing.add(kind + ": no fix by hand");
				}
			}
		}
		assertThat(missing).isEmpty();
	}

	@Test
	void theSettingsChooseTheRemedy() {
		ReconciliationPolicy defaults = new ReconciliationPolicy(settings(MissingDatabasePolicy.MARK_FAILED, false, false));
		assertThat(remedy(defaults, DriftKind.STUCK_PROVISIONING, null)).isEqualTo(Remedy.PROVISION);
		assertThat(remedy(defaults, DriftKind.LEFTOVER_DELETING, null)).isEqualTo(Remedy.FINISH_DELETE);
		assertThat(remedy(defaults, DriftKind.MISSING_DATABASE, null)).isEqualTo(Remedy.MARK_FAILED);
		assertThat(remedy(defaults, DriftKind.FAILED, null)).isEqualTo(Remedy.NONE);
		assertThat(remedy(defaults, DriftKind.ORPHAN_DATABASE, NOW.minus(GRACE))).isEqualTo(Remedy.NONE);
		assertThat(remedy(defaults, DriftKind.EXPIRED_SESSIONS, null)).isEqualTo(Remedy.PURGE_SESSIONS);
		assertThat(remedy(defaults, DriftKind.MISSING_SOURCE_PATH, null)).isEqualTo(Remedy.NONE);

		ReconciliationPolicy repairing = new ReconciliationPolicy(settings(MissingDatabasePolicy.REPROVISION, true, true));
		assertThat(remedy(repairing, DriftKind.MISSING_DATABASE, null)).isEqualTo(Remedy.PROVISION);
		assertThat(remedy(repairing, DriftKind.FAILED, null)).isEqualTo(Remedy.PROVISION);
		// An orphan is dropped only once a repairing run has seen it for the grace period.
		assertThat(remedy(repairing, DriftKind.ORPHAN_DATABASE, null)).isEqualTo(Remedy.NONE);
		assertThat(remedy(repairing, DriftKind.ORPHAN_DATABASE, NOW.minusSeconds(1))).isEqualTo(Remedy.NONE);
		assertThat(repairing.decide(sighting(DriftKind.ORPHAN_DATABASE, NOW), NOW).action())
			.isEqualTo("drop it after 2026-11-23T21:00:00Z (registry.reconciliation.orphan-grace-period)");
		assertThat(remedy(repairing, DriftKind.ORPHAN_DATABASE, NOW.minus(GRACE))).isEqualTo(Remedy.DROP_ORPHAN);
	}

	@Test
	void whatIsLeftAloneNamesItsSettingAndTheFixByHand() {
		ReconciliationPolicy defaults = new ReconciliationPolicy(settings(MissingDatabasePolicy.MARK_FAILED, false, false));
		assertThat(defaults.decide(sighting(DriftKind.FAILED, null), NOW).action()).isEqualTo(
				"none (registry.reconciliation.retry-failed=false); by hand: Fix the cause, then POST /api/v1/projects/"
						+ PROJECT + "/provision");
		assertThat(defaults.decide(sighting(DriftKind.ORPHAN_DATABASE, null), NOW).action()).isEqualTo(
				"none (registry.reconciliation.drop-orphans=false); by hand: import it as a project, or drop it");
		assertThat(defaults.decide(sighting(DriftKind.MISSING_SOURCE_PATH, null), NOW).action())
			.isEqualTo("none; by hand: " + defaults.manualFix(DriftKind.MISSING_SOURCE_PATH, PROJECT));
	}

	/** Every name of the validation report belongs to exactly one kind, except the one that says "not checked". */
	@Test
	void everyValidationNameIsTheNameOfOneKind() {
		for (Kind name : Kind.values()) {
			List<DriftKind> owners = Arrays.stream(DriftKind.values())
				.filter(kind -> kind.validationNames().contains(name))
				.toList();
			assertThat(owners).as(name.name()).hasSize(name == Kind.SOURCE_PATH_NOT_CHECKED ? 0 : 1);
		}
	}

	private static Remedy remedy(ReconciliationPolicy policy, DriftKind kind, Instant since) {
		return policy.decide(sighting(kind, since), NOW).remedy();
	}

	private static Sighting sighting(DriftKind kind, Instant since) {
		return new Sighting(kind, PROJECT, "Payments Service", "cb_proj_payments_service_3f6c1a52", "default", "detail",
				since);
	}

	private static List<ReconciliationProperties> everySetting() {
		List<ReconciliationProperties> all = new ArrayList<>();
		for (MissingDatabasePolicy missingDatabase : MissingDatabasePolicy.values()) {
			for (boolean retryFailed : new boolean[] { false, true }) {
				for (boolean dropOrphans : new boolean[] { false, true }) {
					all.add(settings(missingDatabase, retryFailed, dropOrphans));
				}
			}
		}
		return all;
	}

	private static ReconciliationProperties settings(MissingDatabasePolicy missingDatabase, boolean retryFailed,
			boolean dropOrphans) {
		return new ReconciliationProperties(true, Duration.ofSeconds(60), missingDatabase, retryFailed, dropOrphans,
				GRACE, Duration.ofHours(1));
	}

}
