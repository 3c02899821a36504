package io.codebase.registry.project;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.codebase.registry.support.SqlRecorder;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static io.codebase.registry.support.Projects.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules PostgreSQL itself enforces, so that no code path (or psql session) can break them, and the plans of
 * the statements {@link ProjectLookup} really sends at 100,000 rows. The test database is the real PostgreSQL
 * ({@code Replace.NONE}); each test runs in a transaction that is rolled back.
 */
@DataJpaTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import({ ProjectLookup.class, SqlRecorder.class })
class ProjectRepositoryTest {

	@Autowired
	ProjectRepository repository;

	@Autowired
	ProjectLookup lookup;

	@Autowired
	SqlRecorder sql;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	JdbcTemplate jdbcTemplate;

	/** Lists and committed reads never touch the cache; ProjectLookup needs one to be built. */
	@MockitoBean
	ProjectCache cache;

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
		String name = uniqueName("fixed");
		String databaseName = "cb_proj_fixed_" + hex8();
		try {
			insertOutsideTheService(name, databaseName);
			assertThatThrownBy(() -> insertOutsideTheService(uniqueName("other"), databaseName))
				.isInstanceOf(DataIntegrityViolationException.class);
			assertThatThrownBy(() -> this.jdbc.sql("UPDATE projects SET database_name = 'cb_proj_moved_00000000' WHERE name = ?")
				.param(name)
				.update()).isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("immutable");
			assertThatThrownBy(() -> insertOutsideTheService(uniqueName("bad-db"), "Not_A_Managed_Name"))
				.isInstanceOf(DataIntegrityViolationException.class);
		}
		finally {
			this.jdbc.sql("DELETE FROM projects WHERE name = ?").param(name).update();
		}
	}

	@Test
	void theLookupsStatementsStayIndexDrivenAt100000Rows() {
		this.jdbc.sql("""
				INSERT INTO projects (id, name, database_name, state, created_at, updated_at, server)
				SELECT gen_random_uuid(), 'scale ' || n, 'cb_proj_scale_' || n || '_' || substr(md5(n::text), 1, 8),
				       CASE WHEN n % 10 = 0 THEN 'FAILED' ELSE 'READY' END,
				       now() - n * interval '1 second', now() - n * interval '1 second', 'default'
				FROM generate_series(1, 100000) AS n""").update();
		this.jdbc.sql("ANALYZE projects").update();

		ProjectFilter all = new ProjectFilter(null, null, null, null);

		// Each page is full and more follow, so every list also sends its count query.
		assertIndexDriven(() -> this.lookup.list(new ProjectFilter(ProjectState.READY, null, "Scale 12", null),
				PageRequest.of(0, 50, ProjectSort.parse("name"))), 2);
		assertIndexDriven(() -> this.lookup.list(new ProjectFilter(ProjectState.FAILED, null, null, null),
				PageRequest.of(10, 50, ProjectSort.parse("name"))), 2);
		assertIndexDriven(() -> this.lookup.list(all, PageRequest.of(0, 50, ProjectSort.parse("createdAt,desc"))), 2);
		assertIndexDriven(() -> this.lookup.list(all, PageRequest.of(0, 50, ProjectSort.parse("updatedAt"))), 2);
		assertIndexDriven(() -> assertThat(this.lookup.committed().byName("Scale 99999")).isPresent(), 1);
	}

	/**
	 * EXPLAINs every statement the action sent, with the values it bound: none may read the whole table, except the
	 * count behind an unfiltered list's total.
	 */
	private void assertIndexDriven(Runnable action, int statements) {
		List<SqlRecorder.Statement> sent = this.sql.record(action);
		assertThat(sent).as("statements sent").hasSize(statements);
		for (SqlRecorder.Statement statement : sent) {
			if (statement.sql().startsWith("select count(") && !statement.sql().contains(" where ")) {
				// The total of an unfiltered list counts every row: PostgreSQL keeps no row count to read instead.
				continue;
			}
			String plan = String.join("\n", explain(statement));
			assertThat(plan).as("%s%n%s", statement.sql(), plan).doesNotContain("Seq Scan");
		}
	}

	private List<String> explain(SqlRecorder.Statement statement) {
		// The test transaction's connection: the 100,000 rows are not committed.
		return this.jdbcTemplate.execute((ConnectionCallback<List<String>>) connection -> {
			List<String> plan = new ArrayList<>();
			try (var explain = statement.prepare(connection, "EXPLAIN "); ResultSet rows = explain.executeQuery()) {
				while (rows.next()) {
					plan.add(rows.getString(1));
				}
			}
			return plan;
		});
	}

	private int insert(String name, String databaseName) {
		return this.repository.insertProvisioning(UUID.randomUUID(), name, null, databaseName, null, "{}", "NOT_INDEXED",
				"default");
	}

	private void insertOutsideTheService(String name, String databaseName) {
		this.jdbc.sql("INSERT INTO projects (id, name, database_name, state, server) VALUES (?, ?, ?, 'READY', 'default')")
			.params(UUID.randomUUID(), name, databaseName)
			.update();
	}

	/** The 8 hex digits that end a managed database name. */
	private static String hex8() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
