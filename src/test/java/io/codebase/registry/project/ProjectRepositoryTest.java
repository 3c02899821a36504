package io.codebase.registry.project;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules PostgreSQL itself enforces, so that no code path (or psql session) can break them, and the queries
 * of the list at 100,000 rows. Each test runs in a transaction that is rolled back.
 */
@DataJpaTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class ProjectRepositoryTest {

	@Autowired
	ProjectRepository repository;

	@Autowired
	JdbcClient jdbc;

	@Test
	void theCheckConstraintUsesTheServiceNameRule() {
		String definition = this.jdbc
			.sql("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'projects_name_rule'")
			.query(String.class)
			.single();
		assertThat(definition).contains("'" + ProjectName.REGEX + "'");
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void theDatabaseRefusesNamesOutsideTheRule() {
		for (String name : new String[] { " lead", "x; DROP DATABASE postgres", "caf\u00e9", "a".repeat(256), "" }) {
			assertThatThrownBy(() -> insertOutsideTheService(name, "cb_proj_x_" + hex8())).as(name)
				.isInstanceOf(DataIntegrityViolationException.class);
		}
	}

	@Test
	void namesAreUniqueRegardlessOfCaseAndAConflictInsertsNothing() {
		assertThat(insert("Payments Service", "cb_proj_payments_service_" + hex8())).isEqualTo(1);
		assertThat(insert("PAYMENTS SERVICE", "cb_proj_payments_service_" + hex8())).isZero();
		assertThat(this.repository.findByNameKey("payments service")).isPresent();
		assertThat(this.repository.existsByNameKey("payments service")).isTrue();
		assertThat(this.repository.count()).isEqualTo(this.jdbc.sql("SELECT count(*) FROM projects").query(Long.class).single());
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void databaseNamesAreUniqueAndImmutable() {
		String name = "fixed " + hex8();
		String databaseName = "cb_proj_fixed_" + hex8();
		try {
			insertOutsideTheService(name, databaseName);
			assertThatThrownBy(() -> insertOutsideTheService("other " + hex8(), databaseName))
				.isInstanceOf(DataIntegrityViolationException.class);
			assertThatThrownBy(() -> this.jdbc.sql("UPDATE projects SET database_name = 'cb_proj_moved_00000000' WHERE name = ?")
				.param(name)
				.update()).isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("immutable");
			assertThatThrownBy(() -> insertOutsideTheService("bad db " + hex8(), "Not_A_Managed_Name"))
				.isInstanceOf(DataIntegrityViolationException.class);
		}
		finally {
			this.jdbc.sql("DELETE FROM projects WHERE name = ?").param(name).update();
		}
	}

	@Test
	void listQueriesStayIndexDrivenAt100000Rows() {
		this.jdbc.sql("""
				INSERT INTO projects (id, name, database_name, state, created_at, updated_at)
				SELECT gen_random_uuid(), 'scale ' || n, 'cb_proj_scale_' || n || '_' || substr(md5(n::text), 1, 8),
				       CASE WHEN n % 10 = 0 THEN 'FAILED' ELSE 'READY' END,
				       now() - n * interval '1 second', now() - n * interval '1 second'
				FROM generate_series(1, 100000) AS n""").update();
		this.jdbc.sql("ANALYZE projects").update();

		assertIndexOnly("SELECT * FROM projects WHERE state = 'READY' AND name_key LIKE 'scale 12%' ORDER BY name_key, id LIMIT 50");
		assertIndexOnly("SELECT * FROM projects WHERE state = 'FAILED' ORDER BY name_key, id LIMIT 50 OFFSET 500");
		assertIndexOnly("SELECT * FROM projects ORDER BY created_at DESC, id DESC LIMIT 50");
		assertIndexOnly("SELECT * FROM projects ORDER BY updated_at, id LIMIT 50");
		assertIndexOnly("SELECT * FROM projects WHERE name_key = 'scale 99999'");
		assertIndexOnly("SELECT count(*) FROM projects WHERE name_key LIKE 'scale 12%'");
	}

	private void assertIndexOnly(String sql) {
		String plan = String.join("\n", this.jdbc.sql("EXPLAIN " + sql).query(String.class).list());
		assertThat(plan).as(plan).doesNotContain("Seq Scan");
	}

	private int insert(String name, String databaseName) {
		return this.repository.insertProvisioning(UUID.randomUUID(), name, null, databaseName, null, "{}", "NOT_INDEXED");
	}

	private void insertOutsideTheService(String name, String databaseName) {
		this.jdbc.sql("INSERT INTO projects (id, name, database_name, state) VALUES (?, ?, ?, 'READY')")
			.params(UUID.randomUUID(), name, databaseName)
			.update();
	}

	private static String hex8() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
