package io.codebase.registry.project;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import io.codebase.registry.support.ApiResponse;
import io.codebase.registry.support.ApiTest;
import io.codebase.registry.support.RegistryClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static io.codebase.registry.support.Problems.assertProblem;
import static io.codebase.registry.support.Projects.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cursor pages of {@code GET /api/v1/projects} over HTTP. Rows are inserted with SQL (no databases behind them:
 * the list only reads rows, and scheduled reconciliation is off in tests), with shared timestamps so that the
 * id tie-breaker decides.
 */
@ApiTest
class ProjectListPagingTest {

	private static final int STABLE = 120;

	private final RegistryClient api;

	private final String prefix = uniqueName("paging").toLowerCase();

	/** Suffixes are letters and digits only, so names sort the same in every collation. */
	private int inserted;

	@Autowired
	JdbcClient jdbc;

	ProjectListPagingTest(RegistryClient api) {
		this.api = api;
	}

	@AfterEach
	void removeRows() {
		this.jdbc.sql("DELETE FROM projects WHERE name_key LIKE ?").param(this.prefix + "%").update();
	}

	/**
	 * Every sort and direction, paged with a small size while rows are inserted at random positions and deleted
	 * (including just behind the page boundary) between pages: every row present throughout appears exactly
	 * once, in order. Offset paging would repeat rows after inserts before the boundary and skip rows after
	 * deletes.
	 */
	@Test
	void pagingThroughEveryRowUnderConcurrentInsertsAndDeletesNeverRepeatsOrSkipsOne() {
		Random random = new Random(20);
		Set<UUID> stable = new HashSet<>();
		for (int i = 0; i < STABLE; i++) {
			stable.add(insert("s" + i, random));
		}
		for (String sort : new String[] { "name", "name,desc", "createdAt", "createdAt,desc", "updatedAt",
				"updatedAt,desc", "state", "state,desc" }) {
			List<UUID> churn = new ArrayList<>();
			List<UUID> seen = new ArrayList<>();
			List<JsonNode> rows = new ArrayList<>();
			String next = "/api/v1/projects?namePrefix=" + RegistryClient.segment(this.prefix) + "&size=7&sort=" + sort;
			int pages = 0;
			while (next != null) {
				ApiResponse page = this.api.get(next);
				assertThat(page.status()).as(page.toString()).isEqualTo(200);
				JsonNode body = page.json();
				body.get("content").forEach(row -> {
					seen.add(UUID.fromString(row.get("id").asString()));
					rows.add(row);
				});
				next = body.get("next").isNull() ? null : body.get("next").asString();
				// Inserts anywhere (before and after the boundary), and deletes of rows added earlier.
				for (int i = 0; i < 3; i++) {
					churn.add(insert("c" + this.inserted++, random));
				}
				for (int i = 0; i < 2 && churn.size() > 4; i++) {
					delete(churn.remove(random.nextInt(churn.size())));
				}
				pages++;
			}
			assertThat(new LinkedHashSet<>(seen)).as("%s: a row repeated", sort).hasSize(seen.size());
			assertThat(seen).as("%s: every row that existed throughout", sort).containsAll(stable);
			assertThat(pages).as(sort).isGreaterThanOrEqualTo(STABLE / 7);
			assertOrdered(rows, sort);
			churn.forEach(this::delete);
		}
	}

	@Test
	void theNextLinkIsInTheBodyAndTheLinkHeaderAndTheLastPageHasNone() {
		Random random = new Random(1);
		for (int i = 0; i < 5; i++) {
			insert("l" + i, random);
		}
		ApiResponse first = this.api.get("/api/v1/projects?namePrefix=" + this.prefix + "&size=3&sort=createdAt,desc");
		JsonNode body = first.json();
		String next = body.get("next").asString();
		assertThat(next).startsWith("/api/v1/projects?").contains("cursor=" + body.get("nextCursor").asString())
			.contains("sort=createdAt%2Cdesc", "size=3", "namePrefix=" + this.prefix);
		assertThat(first.header("Link")).hasValue("<" + next + ">; rel=\"next\"");
		assertThat(body.get("count").asString()).isEqualTo("none");
		assertThat(body.has("totalElements")).isFalse();
		assertThat(body.has("page")).isFalse();

		ApiResponse last = this.api.get(next);
		assertThat(last.json().get("content")).hasSize(2);
		assertThat(last.json().get("next").isNull()).isTrue();
		assertThat(last.json().get("nextCursor").isNull()).isTrue();
		assertThat(last.header("Link")).isEmpty();
	}

	@Test
	void countIsExactEstimatedOrLeftOut() {
		Random random = new Random(2);
		for (int i = 0; i < 5; i++) {
			insert("n" + i, random);
		}
		String list = "/api/v1/projects?namePrefix=" + this.prefix + "&size=2";
		JsonNode exact = this.api.get(list + "&count=exact").json();
		assertThat(exact.get("count").asString()).isEqualTo("exact");
		assertThat(exact.get("totalElements").asLong()).isEqualTo(5);
		assertThat(exact.get("totalPages").asInt()).isEqualTo(3);
		// The count is carried by the next link, and stays exact on a cursor page.
		assertThat(exact.get("next").asString()).contains("count=exact");
		assertThat(this.api.get(exact.get("next").asString()).json().get("totalElements").asLong()).isEqualTo(5);

		JsonNode estimate = this.api.get(list + "&count=estimate").json();
		assertThat(estimate.get("count").asString()).isEqualTo("estimate");
		assertThat(estimate.get("totalElements").asLong()).isPositive();
		assertThat(estimate.get("totalPages").asInt()).isPositive();

		JsonNode none = this.api.get(list + "&count=none").json();
		assertThat(none.has("totalElements")).isFalse();
		assertThat(none.has("totalPages")).isFalse();
		assertThat(this.api.get(list).json().get("count").asString()).isEqualTo("none");

		// The deprecated page form keeps its exact totals by default.
		JsonNode paged = this.api.get(list + "&page=1").json();
		assertThat(paged.get("count").asString()).isEqualTo("exact");
		assertThat(paged.get("totalElements").asLong()).isEqualTo(5);
		assertThat(paged.get("page").asInt()).isEqualTo(1);
		assertThat(paged.get("content")).hasSize(2);

		assertProblem(this.api.get(list + "&count=all"), 400, "invalid-request");
	}

	@Test
	void aCursorSentWithOtherFiltersOrAnotherSortIsA400() {
		Random random = new Random(3);
		for (int i = 0; i < 3; i++) {
			insert("f" + i, random);
		}
		String cursor = this.api.get("/api/v1/projects?namePrefix=" + this.prefix + "&size=1&sort=updatedAt")
			.json().get("nextCursor").asString();
		String base = "/api/v1/projects?size=1&cursor=" + cursor;

		assertThat(this.api.get(base + "&namePrefix=" + this.prefix + "&sort=updatedAt").status()).isEqualTo(200);
		// The prefix matches regardless of case, so its case does not make another list.
		assertThat(this.api.get(base + "&namePrefix=" + this.prefix.toUpperCase() + "&sort=updatedAt,asc").status())
			.isEqualTo(200);
		for (String other : new String[] { "&sort=updatedAt", "&namePrefix=" + this.prefix + "&sort=updatedAt,desc",
				"&namePrefix=" + this.prefix + "&sort=name", "&namePrefix=" + this.prefix + "&sort=updatedAt&state=READY",
				"&namePrefix=" + this.prefix + "x&sort=updatedAt",
				"&namePrefix=" + this.prefix + "&sort=updatedAt&schemaVersion=none" }) {
			JsonNode problem = assertProblem(this.api.get(base + other), 400, "invalid-request");
			assertThat(problem.get("errors").get(0).get("field").asString()).as(other).isEqualTo("cursor");
		}
		assertProblem(this.api.get(base + "&namePrefix=" + this.prefix + "&sort=updatedAt&page=0"), 400,
				"invalid-request");
	}

	@Test
	void aGarbageOrTamperedCursorIsA400Problem() {
		String binding = "0000000000000000";
		String id = UUID.randomUUID().toString();
		List<String> cursors = new ArrayList<>(List.of("", "%21%21%21", "abc", "x".repeat(2000), "cDE",
				encode("p1|name,asc|" + binding + "|" + id + "|Upper Case"),
				encode("p1|name,asc|" + binding + "|" + id + "|a\u0000b"),
				encode("p1|createdAt,asc|" + binding + "|" + id + "|+99999-01-01T00:00:00Z"),
				encode("p1|createdAt,asc|" + binding + "|" + id + "|yesterday"),
				encode("p1|state,asc|" + binding + "|" + id + "|SLEEPING"),
				encode("p1|color,asc|" + binding + "|" + id + "|red"),
				encode("p1|name,asc|" + binding + "|1-2-3-4-5|abc"),
				encode("p2|name,asc|" + binding + "|" + id + "|abc"),
				encode("p1|name,asc|" + binding + "|" + id)));
		cursors.add(Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] { (byte) 0xC0, (byte) 0xAF, 0x7C }));
		for (String cursor : cursors) {
			JsonNode problem = assertProblem(this.api.get("/api/v1/projects?cursor=" + cursor), 400, "invalid-request");
			assertThat(problem.get("errors").get(0).get("field").asString()).as(cursor).isEqualTo("cursor");
		}
	}

	private UUID insert(String suffix, Random random) {
		UUID id = UUID.randomUUID();
		// Few distinct timestamps and two states: most rows tie on their sort key, and the id decides.
		this.jdbc.sql("""
				INSERT INTO projects (id, name, database_name, state, created_at, updated_at)
				VALUES (?, ?, ?, ?, timestamptz '2026-01-01' + ? * interval '1 second',
				        timestamptz '2026-01-01' + ? * interval '1 second')""")
			.params(id, this.prefix + " " + suffix, "cb_proj_paging_" + id.toString().substring(0, 8),
					random.nextBoolean() ? "READY" : "FAILED", random.nextInt(10), random.nextInt(10))
			.update();
		return id;
	}

	private void delete(UUID id) {
		this.jdbc.sql("DELETE FROM projects WHERE id = ?").param(id).update();
	}

	/** The rows, in the order they were paged, follow the sort with the id breaking ties in the same direction. */
	private static void assertOrdered(List<JsonNode> rows, String sort) {
		boolean descending = sort.endsWith(",desc");
		String field = sort.split(",")[0];
		for (int i = 1; i < rows.size(); i++) {
			int byKey = key(rows.get(i - 1), field).compareTo(key(rows.get(i), field));
			int byId = UUID.fromString(rows.get(i - 1).get("id").asString())
				.toString()
				.compareTo(rows.get(i).get("id").asString());
			int order = (byKey != 0) ? byKey : byId;
			assertThat(descending ? -order : order).as("%s at row %d", sort, i).isNegative();
		}
	}

	private static String key(JsonNode row, String field) {
		return field.equals("name") ? row.get("name").asString().toLowerCase() : row.get(field).asString();
	}

	private static String encode(String text) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

}
