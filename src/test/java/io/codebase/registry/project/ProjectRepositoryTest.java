package io.codebase.registry.project;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.fleet.FleetProperties;
import io.codebase.registry.provisioning.ProvisioningProperties;
import io.codebase.registry.support.SqlRecorder;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataIntegrityViolationException;
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
@Import({ ProjectLookup.class, ProjectListing.class, ProjectConnections.class, DatabaseServers.class, SqlRecorder.class })
@EnableConfigurationProperties({ FleetProperties.class, ProvisioningProperties.class })
class ProjectRepositoryTest {

	@Autowired
	ProjectRepository repository;

	@Autowired
	ProjectLookup lookup;

	@Autowired
	ProjectListing listing;

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
	void everyListPageIsIndexDrivenAt100000Rows() {
		this.jdbc.sql("""
				INSERT INTO projects (id, name, database_name, state, index_status, schema_version, created_at, updated_at, server)
				SELECT gen_random_uuid(), 'scale ' || n, 'cb_proj_scale_' || n || '_' || substr(md5(n::text), 1, 8),
				       CASE WHEN n % 10 = 0 THEN 'FAILED' WHEN n % 1000 = 1 THEN 'PROVISIONING' ELSE 'READY' END,
				       (ARRAY['NOT_INDEXED', 'INDEXING', 'INDEXED'])[n % 3 + 1],
				       CASE WHEN n % 4 = 0 THEN NULL ELSE (n % 2 + 1)::text END,
				       now() - n * interval '1 second', now() - (n % 5000) * interval '1 second', 'default'
				FROM generate_series(1, 100000) AS n""").update();
		this.jdbc.sql("ANALYZE projects").update();

		// Every combination of the filters (each set or not) with every sort, first page and a page deep inside.
		List<String> scans = new ArrayList<>();
		int pages = 0;
		for (int filters = 0; filters < 16; filters++) {
			ProjectFilter filter = new ProjectFilter((filters & 1) != 0 ? ProjectState.READY : null,
					(filters & 2) != 0 ? IndexStatus.INDEXED : null, (filters & 4) != 0 ? "Scale 1" : null,
					(filters & 8) != 0 ? "2" : null);
			for (ProjectSort.Key key : ProjectSort.Key.values()) {
				for (boolean descending : new boolean[] { false, true }) {
					ProjectSort sort = new ProjectSort(key, descending);
					ProjectCursor deep = ProjectCursor.after(this.lookup.committed().byName("scale 12345").orElseThrow(),
							filter, sort);
					for (ProjectCursor cursor : java.util.Arrays.asList(null, deep)) {
						List<SqlRecorder.Statement> sent = this.sql
							.record(() -> this.listing.list(filter, sort, cursor, 0, 50, ListCount.NONE));
						assertThat(sent).as("statements of one page").hasSize(1);
						String plan = String.join("\n", explain(sent.get(0)));
						if (plan.contains("Seq Scan") || sortsMany(plan)) {
							scans.add(filter + " " + sort + (cursor != null ? " after a cursor" : "") + "\n" + plan);
						}
						pages++;
					}
				}
			}
		}
		assertThat(pages).isEqualTo(16 * 4 * 2 * 2);
		assertThat(scans).as("pages whose plan scans the table").isEmpty();
		assertThat(sqlOf(() -> assertThat(this.lookup.committed().byName("Scale 99999")).isPresent())).doesNotContain("Seq Scan");
	}

	/**
	 * Whether a plan sorts more than a few pages of rows (an index that does not serve the order): PostgreSQL then
	 * reads every matching row for each page. Incremental sorts of an index's ties are fine.
	 */
	private static boolean sortsMany(String plan) {
		java.util.regex.Matcher sort = java.util.regex.Pattern.compile("(?m)^\\s*(?:->\\s+)?Sort\\s+\\(cost=[0-9.]+ rows=([0-9]+)")
			.matcher(plan);
		while (sort.find()) {
			if (Long.parseLong(sort.group(1)) > 1000) {
				return true;
			}
		}
		return false;
	}

	/** The plans of the statements the action sent. */
	private String sqlOf(Runnable action) {
		List<String> plans = new ArrayList<>();
		for (SqlRecorder.Statement statement : this.sql.record(action)) {
			plans.addAll(explain(statement));
		}
		return String.join("\n", plans);
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
