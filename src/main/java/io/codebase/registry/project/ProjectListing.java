package io.codebase.registry.project;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * List pages of projects, read from PostgreSQL. A page is one index-driven statement: after a cursor it starts at
 * the cursor's (key, id) with a row comparison the index seeks to, so page 1,000 costs what page 1 costs. The
 * total is a second statement only when asked for: an exact count reads every matching row, an estimate is the
 * planner's row estimate and reads none.
 */
@Component
class ProjectListing {

	static final String PATH = "/api/v1/projects";

	private final EntityManager entities;

	private final JdbcClient jdbc;
	/** Reads EXPLAIN's plan; plain JSON from PostgreSQL, so the application's strict request settings do not apply. */
	private static final JsonMapper PLANS = new JsonMapper();

	private final ProjectConnections connections;

	ProjectListing(EntityManager entities, JdbcClient jdbc, ProjectConnections connections) {
		this.connections = connections;
		this.entities = entities;
		this.jdbc = jdbc;
	}

	/**
	 * A page as the API answers it: after {@code cursorText} (a client's {@code cursor}, null for the first page) or
	 * at {@code page} (the deprecated offset form, null for cursor pages), with a next link that repeats the filters,
	 * sort, size and an explicitly requested {@code count}.
	 */
	ProjectPage page(ProjectFilter filter, ProjectSort sort, String cursorText, Integer page, int size, String count) {
		ProjectCursor cursor = (cursorText != null) ? ProjectCursor.read(cursorText, filter, sort) : null;
		// A page never counts unless asked to; the deprecated page form keeps the exact totals its clients read.
		ListCount counting = (count != null) ? ListCount.parse(count) : (page != null) ? ListCount.EXACT : ListCount.NONE;
		long offset = (page != null) ? (long) page * size : 0;
		Listed listed = list(filter, sort, cursor, offset, size, counting);
		String nextCursor = null;
		String next = null;
		if (listed.more()) {
			nextCursor = ProjectCursor.after(listed.content().get(listed.content().size() - 1), filter, sort).encode();
			next = nextLink(filter, sort, size, count, nextCursor);
		}
		return ProjectPage.of(listed, size, page, counting, next, nextCursor);
	}

	private static String nextLink(ProjectFilter filter, ProjectSort sort, int size, String count, String cursor) {
		Map<String, Object> query = new LinkedHashMap<>();
		query.put("state", filter.state());
		query.put("indexStatus", filter.indexStatus());
		query.put("namePrefix", filter.namePrefix());
		query.put("schemaVersion", filter.schemaVersion());
		query.put("sort", sort);
		query.put("size", size);
		query.put("count", count);
		query.put("cursor", cursor);
		StringJoiner link = new StringJoiner("&", PATH + "?", "");
		query.forEach((name, value) -> {
			if (value != null) {
				link.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
			}
		});
		return link.toString();
	}

	/**
	 * Up to {@code size} projects after {@code cursor} (null: from the start), skipping {@code offset} more (the
	 * deprecated page form), and whether any follow.
	 */
	Listed list(ProjectFilter filter, ProjectSort sort, ProjectCursor cursor, long offset, int size, ListCount count) {
		Where where = Where.of(filter);
		StringBuilder sql = new StringBuilder("SELECT * FROM projects").append(where.sql(cursorCondition(cursor, sort)));
		sql.append(" ORDER BY ").append(sort.orderBy());
		if (offset > 0) {
			sql.append(" OFFSET ").append(offset);
		}
		sql.append(" LIMIT ").append(size + 1);
		Query query = this.entities.createNativeQuery(sql.toString(), Project.class);
		where.params().forEach(query::setParameter);
		if (cursor != null) {
			query.setParameter("afterKey", cursor.key());
			query.setParameter("afterId", cursor.id());
		}
		List<ProjectView> rows = new ArrayList<>();
		for (Object row : query.getResultList()) {
			rows.add(this.connections.view((Project) row));
		}
		boolean more = rows.size() > size;
		List<ProjectView> content = more ? rows.subList(0, size) : rows;
		return new Listed(List.copyOf(content), more, total(where, count));
	}

	private Long total(Where where, ListCount count) {
		return switch (count) {
			case NONE -> null;
			case EXACT -> this.jdbc.sql("SELECT count(*) FROM projects" + where.sql(null))
				.params(where.params())
				.query(Long.class)
				.single();
			case ESTIMATE -> estimate(where);
		};
	}

	/** The planner's estimate of the matching rows (statistics from ANALYZE, scaled to the table's current size). */
	private long estimate(Where where) {
		String plan = this.jdbc.sql("EXPLAIN (FORMAT JSON) SELECT 1 FROM projects" + where.sql(null))
			.params(where.params())
			.query(String.class)
			.single();
		JsonNode rows = PLANS.readTree(plan).path(0).path("Plan").path("Plan Rows");
		if (!rows.isNumber()) {
			throw new IllegalStateException("EXPLAIN gave no row estimate: " + plan);
		}
		return rows.asLong();
	}

	/** Rows after the cursor in the sort's direction: a row comparison, so the (key, id) index seeks to it. */
	private static String cursorCondition(ProjectCursor cursor, ProjectSort sort) {
		if (cursor == null) {
			return null;
		}
		return "(" + sort.key().column + ", id) " + (sort.descending() ? "<" : ">") + " (:afterKey, :afterId)";
	}

	/** One page, and whether rows follow it; {@code total} is null when no count was asked for. */
	record Listed(List<ProjectView> content, boolean more, Long total) {
	}

	/** The filters as SQL conditions with named parameters; the values are always bound, never spliced. */
	private record Where(List<String> conditions, Map<String, Object> params) {

		static Where of(ProjectFilter filter) {
			List<String> conditions = new ArrayList<>();
			Map<String, Object> params = new LinkedHashMap<>();
			if (filter.state() != null) {
				conditions.add("state = :state");
				params.put("state", filter.state().name());
			}
			if (filter.indexStatus() != null) {
				conditions.add("index_status = :indexStatus");
				params.put("indexStatus", filter.indexStatus().name());
			}
			if (filter.namePrefix() != null && !filter.namePrefix().isEmpty()) {
				conditions.add("name_key LIKE :namePattern ESCAPE '\\'");
				params.put("namePattern", likeEscaped(ProjectName.key(filter.namePrefix())) + "%");
			}
			if (ProjectFilter.NO_SCHEMA_VERSION.equals(filter.schemaVersion())) {
				conditions.add("schema_version IS NULL");
			}
			else if (filter.schemaVersion() != null) {
				conditions.add("schema_version = :schemaVersion");
				params.put("schemaVersion", filter.schemaVersion());
			}
			return new Where(conditions, params);
		}

		String sql(String extra) {
			List<String> all = new ArrayList<>(this.conditions);
			if (extra != null) {
				all.add(extra);
			}
			return all.isEmpty() ? "" : " WHERE " + String.join(" AND ", all);
		}

		private static String likeEscaped(String text) {
			return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
		}

	}

}
