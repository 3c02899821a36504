package io.codebase.registry.fault;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.codebase.registry.fault.Model.Event;
import io.codebase.registry.fault.Violation.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every invariant of {@link RandomizedFaultIT} can fail: each is shown a fabricated state that breaks it (and the
 * state the model allows, which must pass).
 */
class InvariantsTest {

	private static final UUID ID = UUID.fromString("3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11");

	private static final String DATABASE = "cb_proj_payments_3f6c1a52";

	private final Model model = new Model();

	@Test
	void aConsistentStatePasses() {
		acknowledgeCreate("desc", 1);
		assertThat(Invariants.checkState(snapshot(row("READY", 1, "desc"), DATABASE), this.model)).isEmpty();
		assertThat(Invariants.checkReconciled(snapshot(row("READY", 1, "desc"), DATABASE), Set.of())).isEmpty();
	}

	@Test
	void anOrphanDatabaseIsReportedUnlessTheTestOrphanedItOnPurpose() {
		Snapshot orphan = snapshot(null, "cb_proj_made_by_hand_0000dead");
		assertThat(kinds(Invariants.checkState(orphan, this.model))).containsExactly(Kind.ORPHAN_DATABASE);
		this.model.operatorOrphans.add("cb_proj_made_by_hand_0000dead");
		assertThat(Invariants.checkState(orphan, this.model)).isEmpty();
	}

	@Test
	void aReadyRowWithoutItsDatabaseIsReportedUnlessTheTestDroppedIt() {
		Snapshot missing = snapshot(row("READY", 1, null));
		assertThat(kinds(Invariants.checkState(missing, this.model))).containsExactly(Kind.READY_WITHOUT_DATABASE);
		this.model.handDropped.add(DATABASE);
		assertThat(Invariants.checkState(missing, this.model)).isEmpty();
		assertThat(Invariants.checkState(snapshot(row("FAILED", 1, null)), new Model())).isEmpty();
	}

	@Test
	void anAcknowledgedCreateThatIsGoneIsALostWrite() {
		acknowledgeCreate(null, 1);
		assertThat(kinds(Invariants.checkState(snapshot(null), this.model))).containsExactly(Kind.LOST_WRITE);
	}

	@Test
	void anAcknowledgedDeleteThatCameBackIsAResurrection() {
		acknowledgeCreate(null, 1);
		Model.Effects delete = new Model.Effects();
		delete.add(ID, Event.Type.DELETED);
		assertThat(this.model.apply(delete)).isEmpty();
		assertThat(kinds(Invariants.checkState(snapshot(row("READY", 1, null), DATABASE), this.model)))
			.containsExactly(Kind.RESURRECTED);
		Model.Effects readBack = new Model.Effects();
		readBack.add(ID, Event.Type.SEEN);
		assertThat(kinds(this.model.apply(readBack))).containsExactly(Kind.RESURRECTED);
	}

	@Test
	void aDeleteWithoutAnswerMakesTheProjectUnknownNotGone() {
		acknowledgeCreate(null, 1);
		Model.Effects delete = new Model.Effects();
		delete.add(ID, Event.Type.MAYBE_DELETED);
		this.model.apply(delete);
		assertThat(Invariants.checkState(snapshot(null), this.model)).isEmpty();
		assertThat(Invariants.checkState(snapshot(row("READY", 1, null), DATABASE), this.model)).isEmpty();
	}

	@Test
	void anAcknowledgedPatchThatIsNotThereIsALostUpdate() {
		acknowledgeCreate("old", 1);
		Model.Effects patch = new Model.Effects();
		Event patched = patch.add(ID, Event.Type.PATCHED);
		patched.description = "new";
		patched.version = 2;
		this.model.apply(patch);
		assertThat(kinds(Invariants.checkState(snapshot(row("READY", 1, "old"), DATABASE), this.model)))
			.containsExactly(Kind.LOST_UPDATE, Kind.LOST_UPDATE);
		assertThat(Invariants.checkState(snapshot(row("READY", 2, "new"), DATABASE), this.model)).isEmpty();
	}

	@Test
	void simultaneousPatchesLeaveTheContentUncertain() {
		acknowledgeCreate("old", 1);
		Model.Effects patches = new Model.Effects();
		for (String description : List.of("a", "b")) {
			Event patched = patches.add(ID, Event.Type.PATCHED);
			patched.description = description;
			patched.version = 2;
		}
		this.model.apply(patches);
		assertThat(Invariants.checkState(snapshot(row("READY", 3, "b"), DATABASE), this.model)).isEmpty();
	}

	@Test
	void rowsLeftHalfDoneAfterAReconciliationAreReported() {
		assertThat(kinds(Invariants.checkReconciled(snapshot(row("PROVISIONING", 0, null)), Set.of())))
			.containsExactly(Kind.LEFT_PROVISIONING);
		assertThat(kinds(Invariants.checkReconciled(snapshot(row("DELETING", 1, null)), Set.of()))).containsExactly(Kind.LEFT_DELETING);
		// Work whose owner is alive (its ownership lock is held) is in flight, not left.
		Snapshot.Row starting = row("PROVISIONING", 0, null);
		assertThat(Invariants.checkReconciled(snapshot(starting), Set.of(starting.id()))).isEmpty();
	}

	@Test
	void aReplicaAnswerThatDiffersFromPostgresqlIsReported() {
		Snapshot.Row row = row("READY", 2, "new");
		JsonMapper json = JsonMapper.builder().build();
		Map<String, Object> same = Map.of("id", ID.toString(), "name", "payments", "state", "READY", "version", 2,
				"description", "new", "indexStatus", "NOT_INDEXED");
		assertThat(Invariants.disagreement(row, 200, json.valueToTree(same))).isNull();
		Map<String, Object> stale = Map.of("id", ID.toString(), "name", "payments", "state", "READY", "version", 1,
				"description", "old", "indexStatus", "NOT_INDEXED");
		assertThat(Invariants.disagreement(row, 200, json.valueToTree(stale))).contains("version", "description");
		assertThat(Invariants.disagreement(row, 404, null)).isNotNull();
		assertThat(Invariants.disagreement(null, 200, json.valueToTree(same))).isNotNull();
		assertThat(Invariants.disagreement(null, 404, null)).isNull();
	}

	@Test
	void budgetsAreReadInTheUsualUnits() {
		assertThat(RandomizedFaultIT.duration("60s").toSeconds()).isEqualTo(60);
		assertThat(RandomizedFaultIT.duration("20m").toMinutes()).isEqualTo(20);
		assertThat(RandomizedFaultIT.duration("90").toSeconds()).isEqualTo(90);
	}

	private void acknowledgeCreate(String description, long version) {
		Model.Effects effects = new Model.Effects();
		Event created = effects.add(ID, Event.Type.CREATED);
		created.name = "payments";
		created.databaseName = DATABASE;
		created.version = version;
		created.description = description;
		created.descriptionCertain = true;
		created.indexStatus = "NOT_INDEXED";
		assertThat(this.model.apply(effects)).isEmpty();
	}

	private static Snapshot.Row row(String state, long version, String description) {
		return new Snapshot.Row(ID, "payments", DATABASE, state, version, description, "NOT_INDEXED");
	}

	private static Snapshot snapshot(Snapshot.Row row, String... databases) {
		return new Snapshot((row == null) ? Map.of() : Map.of(row.id(), row), Set.of(databases));
	}

	private static List<Kind> kinds(List<Violation> violations) {
		return violations.stream().map(Violation::kind).toList();
	}

}
