package io.codebase.registry.fault;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.codebase.registry.fault.Cluster.Reply;
import io.codebase.registry.fault.Model.Event;

/**
 * The operations a history is made of: each is planned from a seeded {@link Random} and the {@link Model}
 * (targets, parameters, replica), run against the cluster or behind its back in SQL, and then turned into
 * {@link Model.Effects} according to how it ended.
 */
final class Operations {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private Operations() {
	}

	/** How an operation ended, as far as the model may rely on it. */
	enum Outcome {
		/** 2xx, or SQL that committed. */
		ACK,
		/** A 4xx: nothing was changed. */
		REFUSED,
		/** No answer, a 5xx, or SQL that failed: anything may have happened. */
		AMBIGUOUS
	}

	/** A client working directory with a config file, and the session that points at it. */
	record Workspace(Path directory, String sessionId, String configName) {

		Path config() {
			return this.directory.resolve(".codebase-mcp").resolve("config.json");
		}

		/** The project id in the config file now (written by the test, or written back by the service). */
		UUID configId() {
			try {
				JsonNode id = JSON.readTree(Files.readString(config())).path("project").path("id");
				return id.isString() ? UUID.fromString(id.asString()) : null;
			}
			catch (IOException | RuntimeException ex) {
				return null;
			}
		}

	}

	/** What the operations of one history share. */
	static final class Context {

		final int history;

		final Model model;

		final List<Workspace> workspaces;

		/** Entries of earlier imports, imported again now and then (same ids: re-creation after a delete). */
		final List<Map<String, Object>> importedBefore;

		private int counter;

		Context(int history, Model model, List<Workspace> workspaces, List<Map<String, Object>> importedBefore) {
			this.history = history;
			this.model = model;
			this.workspaces = workspaces;
			this.importedBefore = importedBefore;
		}

		/** A name no operation used before; with spaces, so that a '-' variant derives the same database name. */
		String freshName(String kind) {
			return "f" + this.history + " " + kind + " " + (++this.counter);
		}

	}

	/** One operation of a batch. */
	abstract static class Op {

		final int replica;

		final List<Reply> replies = new ArrayList<>();

		/** Projects this operation may change or read: concurrent ones on the same project make results uncertain. */
		final List<UUID> touches = new ArrayList<>();

		String note = "";

		Op(int replica) {
			this.replica = replica;
		}

		abstract String describe();

		abstract void run(Cluster cluster, FaultPostgres postgres);

		/** Whether the API promises this status for this request (5xx and failures are judged elsewhere). */
		abstract boolean allowed(Reply reply);

		abstract void learn(Model.Effects effects, Outcome outcome, Model model);

		/** The reply that decides the outcome: the last one sent. */
		Reply reply() {
			return this.replies.isEmpty() ? null : this.replies.get(this.replies.size() - 1);
		}

		JsonNode body() {
			Reply reply = reply();
			return (reply != null && reply.body() != null && !reply.body().isEmpty()) ? JSON.readTree(reply.body()) : null;
		}

		Reply send(Cluster cluster, String method, String path, Object body, Map<String, String> headers) {
			Reply reply = cluster.send(this.replica, method, path, (body == null) ? null : json(body), headers);
			this.replies.add(reply);
			return reply;
		}

		/**
		 * What a write of one project's row teaches the model: acknowledged, the new row (its version and what
		 * {@code details} records); ambiguous, that it may or may not have been written.
		 */
		void learnWrite(Model.Effects effects, Outcome outcome, UUID project, Event.Type type, Consumer<Event> details) {
			if (outcome == Outcome.ACK) {
				seen(effects, body());
				Event written = effects.add(project, type);
				details.accept(written);
				written.version = body().path("version").asLong();
			}
			else if (outcome == Outcome.AMBIGUOUS) {
				effects.add(project, Event.Type.MAYBE_WRITTEN);
			}
		}

	}

	// ---------------------------------------------------------------- planning

	/** Draws one operation; {@code focus}, when given, is the project every operation of the batch targets. */
	static Op plan(Random random, Context context, Cluster cluster, Model.Known focus) {
		int replica = cluster.pick(random);
		Model.Known target = (focus != null) ? focus : target(random, context.model);
		int roll = random.nextInt(100);
		if (target == null || roll < 14) {
			return create(random, context, replica);
		}
		if (roll < 20) {
			return new ResolveExplicit(replica, target, random.nextBoolean());
		}
		if (roll < 28) {
			return resolveInline(random, context, replica);
		}
		if (roll < 38 && !context.workspaces.isEmpty()) {
			return new ResolveSession(replica, context.workspaces.get(random.nextInt(context.workspaces.size())));
		}
		if (roll < 40) {
			ResolveInline colliding = collidingConfig(random, target, replica);
			if (colliding != null) {
				return colliding;
			}
		}
		if (roll < 50) {
			IfMatch mode = IfMatch.values()[random.nextInt(10) < 5 ? 1 : (random.nextInt(10) < 8 ? 2 : 0)];
			return new Patch(replica, target, mode, "d" + random.nextInt(1_000_000));
		}
		if (roll < 56) {
			return new ReportIndexStatus(replica, target, random.nextInt(10) < 6 ? IfMatch.VERSION : IfMatch.STAR,
					nextIndexStatus(random, target.indexStatus));
		}
		if (roll < 65) {
			return new Delete(replica, target, random.nextInt(3) == 0);
		}
		if (roll < 73) {
			return new Provision(replica, target);
		}
		if (roll < 79) {
			return importFile(random, context, replica);
		}
		if (roll < 82) {
			return new Reconcile(replica);
		}
		if (roll < 86) {
			return new SqlRename(target, target.name + " r" + random.nextInt(1000));
		}
		if (roll < 90) {
			return new SqlDelete(target);
		}
		if (roll < 95) {
			return new SqlDropDatabase(target);
		}
		return new Create(replica, context.freshName("nul"), "before\u0000after", true);
	}

	/** Mostly a project that should exist; now and then one that should not (404s, re-creation). */
	static Model.Known target(Random random, Model model) {
		// Ids only ever named by a config or import that did not go through have no name to address them by.
		List<Model.Known> all = model.projects().stream().filter(k -> k.name != null).toList();
		if (all.isEmpty()) {
			return null;
		}
		List<Model.Known> live = all.stream().filter(k -> k.presence != Model.Presence.MUST_NOT_EXIST).toList();
		List<Model.Known> from = (live.isEmpty() || random.nextInt(10) == 0) ? all : live;
		return from.get(random.nextInt(from.size()));
	}

	private static Op create(Random random, Context context, int replica) {
		List<Model.Known> all = context.model.projects().stream().filter(k -> k.name != null).toList();
		if (!all.isEmpty() && random.nextInt(10) == 0) {
			// A name that is (or was) taken, in another letter case.
			Model.Known taken = all.get(random.nextInt(all.size()));
			return new Create(replica, taken.name.toUpperCase(Locale.ROOT), "again", false);
		}
		return new Create(replica, context.freshName("p"), "c" + random.nextInt(1_000_000), false);
	}

	private static Op resolveInline(Random random, Context context, int replica) {
		Map<String, Object> project = new LinkedHashMap<>();
		// Names shared with the workspaces' config files: get-or-create races between inline and session callers.
		String name = (!context.workspaces.isEmpty() && random.nextBoolean())
				? context.workspaces.get(random.nextInt(context.workspaces.size())).configName()
				: context.freshName("inline");
		project.put("name", name);
		if (random.nextInt(4) == 0) {
			project.put("id", UUID.randomUUID().toString());
		}
		return new ResolveInline(replica, project, false);
	}

	/**
	 * A config whose name and id derive the database name of an existing project: the name with '-' for ' ' (same
	 * derived name, another name key) and an id with the same first 8 hex digits.
	 */
	private static ResolveInline collidingConfig(Random random, Model.Known target, int replica) {
		if (target.name == null || !target.name.contains(" ") || target.databaseName == null
				|| !target.databaseName.equals(derivedDatabaseName(target.name, target.id))) {
			return null;
		}
		String prefix = target.id.toString().substring(0, 8);
		UUID id = UUID.fromString(prefix + new UUID(random.nextLong(), random.nextLong()).toString().substring(8));
		Map<String, Object> project = new LinkedHashMap<>();
		project.put("name", target.name.replace(' ', '-'));
		project.put("id", id.toString());
		return new ResolveInline(replica, project, true);
	}

	/** The service's convention (docs/api.md#names-and-database-names), for the default prefix. */
	static String derivedDatabaseName(String name, UUID id) {
		String base = name.toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
		return "cb_proj_" + base.substring(0, Math.min(30, base.length())) + "_" + id.toString().substring(0, 8);
	}

	private static String nextIndexStatus(Random random, String current) {
		if (random.nextInt(8) == 0) {
			return List.of("NOT_INDEXED", "INDEXING", "INDEXED", "FAILED").get(random.nextInt(4));
		}
		return switch (current == null ? "NOT_INDEXED" : current) {
			case "INDEXING" -> List.of("INDEXING", "INDEXED", "FAILED").get(random.nextInt(3));
			case "NOT_INDEXED" -> "INDEXING";
			default -> "INDEXING";
		};
	}

	private static Op importFile(Random random, Context context, int replica) {
		List<Map<String, Object>> entries = new ArrayList<>();
		int fresh = 1 + random.nextInt(3);
		for (int i = 0; i < fresh; i++) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("id", UUID.randomUUID().toString());
			entry.put("name", context.freshName("imp"));
			entry.put("description", "i" + random.nextInt(1_000_000));
			entry.put("indexStatus", random.nextBoolean() ? "NOT_INDEXED" : "INDEXED");
			entries.add(entry);
		}
		if (!context.importedBefore.isEmpty() && random.nextInt(4) == 0) {
			entries.add(context.importedBefore.get(random.nextInt(context.importedBefore.size())));
		}
		List<Model.Known> all = context.model.projects().stream().filter(k -> k.name != null).toList();
		if (!all.isEmpty() && random.nextInt(5) == 0) {
			// An existing name under a new id: a clash.
			Map<String, Object> clash = new LinkedHashMap<>();
			clash.put("id", UUID.randomUUID().toString());
			clash.put("name", all.get(random.nextInt(all.size())).name);
			entries.add(clash);
		}
		context.importedBefore.addAll(entries.subList(0, fresh));
		return new Import(replica, entries, random.nextBoolean() ? "SKIP" : "FAIL");
	}

	// ---------------------------------------------------------------- the operations

	enum IfMatch {
		NONE, VERSION, STAR;

		Map<String, String> header(Model.Known known) {
			return switch (this) {
				case NONE -> Map.of();
				case VERSION -> Map.of("If-Match", "\"" + known.lastVersion + "\"");
				case STAR -> Map.of("If-Match", "*");
			};
		}
	}

	static final class Create extends Op {

		final String name;

		final String description;

		final boolean hostile;

		Create(int replica, String name, String description, boolean hostile) {
			super(replica);
			this.name = name;
			this.description = description;
			this.hostile = hostile;
		}

		@Override
		String describe() {
			return "POST /api/v1/projects name='" + this.name + "' description=" + Invariants.quote(this.description);
		}

		@Override
		void run(Cluster cluster, FaultPostgres postgres) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("name", this.name);
			body.put("description", this.description);
			send(cluster, "POST", "/api/v1/projects", body, Map.of());
		}

		@Override
		boolean allowed(Reply reply) {
			// A description PostgreSQL cannot store (NUL) is a client error, not a server one.
			return reply.status() == 201 || reply.status() == 409 || (this.hostile && reply.status() == 400);
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			if (outcome == Outcome.ACK) {
				JsonNode project = body();
				Event created = created(effects, project);
				created.description = this.description;
				created.descriptionCertain = true;
				created.indexStatus = "NOT_INDEXED";
				this.note = project.path("id").asString();
			}
		}

	}

	static final class ResolveExplicit extends Op {

		final Model.Known target;

		final boolean byId;

		ResolveExplicit(int replica, Model.Known target, boolean byId) {
			super(replica);
			this.target = target;
			this.byId = byId;
			this.touches.add(target.id);
		}

		@Override
		String describe() {
			return "POST /api/v1/resolutions project=" + (this.byId ? this.target.id : "'" + this.target.name + "'")
					+ " (" + this.target.id + ")";
		}

		@Override
		void run(Cluster cluster, FaultPostgres postgres) {
			send(cluster, "POST", "/api/v1/resolutions",
					Map.of("project", this.byId ? this.target.id.toString() : this.target.name), Map.of());
		}

		@Override
		boolean allowed(Reply reply) {
			return reply.status() == 200 || reply.status() == 404 || reply.status() == 409;
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			// Explicit resolutions may answer from a replica's cache: no evidence about PostgreSQL.
		}

	}

	/** A resolution through a config document: sent inline, or found from a session's working directory. */
	abstract static class ResolveConfig extends Op {

		/** The config's project id before the call (written by the test or written back earlier). */
		UUID configId;

		String configName;

		ResolveConfig(int replica) {
			super(replica);
		}

		@Override
		boolean allowed(Reply reply) {
			if (reply.method().equals("PUT")) {
				return reply.status() == 200;
			}
			return reply.status() == 200 || reply.status() == 409;
		}

		JsonNode resolved() {
			Reply reply = reply();
			return (reply != null && reply.method().equals("POST") && reply.ok()) ? body() : null;
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			if (outcome == Outcome.ACK) {
				JsonNode answer = resolved();
				if (answer != null && answer.path("created").asBoolean()) {
					Event created = created(effects, answer.path("project"));
					created.description = null;
					created.descriptionCertain = true;
					created.indexStatus = "NOT_INDEXED";
				}
				if (answer != null) {
					this.note = answer.path("project").path("id").asString() + " created=" + answer.path("created")
							+ " tier=" + answer.path("tier").asString();
				}
			}
			else if (outcome == Outcome.AMBIGUOUS && this.configId != null) {
				effects.add(this.configId, Event.Type.MAYBE_RECREATED);
			}
		}

	}

	static final class ResolveInline extends ResolveConfig {

		final Map<String, Object> project;

		final boolean colliding;

		ResolveInline(int replica, Map<String, Object> project, boolean colliding) {
			super(replica);
			this.project = project;
			this.colliding = colliding;
			this.configName = (String) project.get("name");
			this.configId = project.containsKey("id") ? UUID.fromString((String) project.get("id")) : null;
			if (this.configId != null) {
				this.touches.add(this.configId);
			}
		}

		@Override
		String describe() {
			return "POST /api/v1/resolutions inline config " + json(this.project)
					+ (this.colliding ? " (derives the database name of an existing project)" : "");
		}

		@Override
		void run(Cluster cluster, FaultPostgres postgres) {
			send(cluster, "POST", "/api/v1/resolutions",
					Map.of("config", Map.of("version", "1.0", "project", this.project)), Map.of());
		}

	}

	static final class ResolveSession extends ResolveConfig {

		final Workspace workspace;

		ResolveSession(int replica, Workspace workspace) {
			super(replica);
			this.workspace = workspace;
			this.configName = workspace.configName();
		}

		@Override
		String describe() {
			return "PUT session " + this.workspace.sessionId() + " + POST /api/v1/resolutions (config name '"
					+ this.workspace.configName() + "', id " + this.configId + ")";
		}

		@Override
		void run(Cluster cluster, FaultPostgres postgres) {
			this.configId = this.workspace.configId();
			if (this.configId != null) {
				this.touches.add(this.configId);
			}
			Reply put = send(cluster, "PUT", "/api/v1/sessions/" + this.workspace.sessionId(),
					Map.of("workingDirectory", this.workspace.directory().toString()), Map.of());
			if (put.ok()) {
				send(cluster, "POST", "/api/v1/resolutions", Map.of("sessionId", this.workspace.sessionId(), "explain", true),
						Map.of());
			}
		}

	}

	static final class Patch extends Op {

		final Model.Known target;

		final IfMatch ifMatch;

		final String description;

		final Map<String, String> headers;

		Patch(int replica, Model.Known target, IfMatch ifMatch, String description) {
			super(replica);
			this.target = target;
			this.ifMatch = ifMatch;
			this.description = description;
			this.headers = new LinkedHashMap<>(ifMatch.header(target));
			this.headers.put("Content-Type", "application/merge-patch+json");
			this.touches.add(target.id);
		}

		@Override
		String describe() {
			return "PATCH /api/v1/projects/" + this.target.id + " If-Match=" + this.headers.getOrDefault("If-Match", "(none)")
					+ " description='" + this.description + "'";
		}

		@Override
		void run(Cluster cluster, FaultPostgres postgres) {
			send(cluster, "PATCH", "/api/v1/projects/" + this.target.id, Map.of("description", this.description),
					this.headers);
		}

		@Override
		boolean allowed(Reply reply) {
			return switch (this.ifMatch) {
				// A batch may delete the project at the same time: a project that is gone is a 404 before any
				// precondition is asked for.
				case NONE -> Set.of(428, 404).contains(reply.status());
				// '*' matches any version: never a 412.
				case STAR -> Set.of(200, 404, 409).contains(reply.status());
				case VERSION -> Set.of(200, 404, 409, 412).contains(reply.status());
			};
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			learnWrite(effects, outcome, this.target.id, Event.Type.PATCHED, patched -> patched.description = this.description);
		}

	}

	static final class ReportIndexStatus extends Op {

		final Model.Known target;

		final String status;

		final IfMatch ifMatch;

		final Map<String, String> headers;

		ReportIndexStatus(int replica, Model.Known target, IfMatch ifMatch, String status) {
			super(replica);
			this.target = target;
			this.status = status;
			this.ifMatch = ifMatch;
			this.headers = ifMatch.header(target);
			this.touches.add(target.id);
		}

		@Override
		String describe() {
			return "POST /api/v1/projects/" + this.target.id + "/index-status " + this.status + " If-Match="
					+ this.headers.getOrDefault("If-Match", "(none)");
		}

		@Override
		void run(Cluster cluster, FaultPostgres postgres) {
			send(cluster, "POST", "/api/v1/projects/" + this.target.id + "/index-status",
					Map.of("status", this.status, "message", "fault test"), this.headers);
		}

		@Override
		boolean allowed(Reply reply) {
			return Set.of(200, 404, 409).contains(reply.status())
					|| (this.ifMatch == IfMatch.VERSION && reply.status() == 412);
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			learnWrite(effects, outcome, this.target.id, Event.Type.INDEX_REPORTED,
					reported -> reported.indexStatus = this.status);
		}

	}

	static final class Delete extends Op {

		final Model.Known target;

		final Map<String, String> headers;

		Delete(int replica, Model.Known target, boolean withIfMatch) {
			super(replica);
			this.target = target;
			this.headers = withIfMatch ? IfMatch.VERSION.header(target) : Map.of();
			this.touches.add(target.id);
		}

		@Override
		String describe() {
			return "DELETE /api/v1/projects/" + this.target.id + " ('" + this.target.name + "', " + this.target.databaseName
					+ ") If-Match=" + this.headers.getOrDefault("If-Match", "(none)");
		}

		@Override
		void run(Cluster cluster, FaultPostgres postgres) {
			send(cluster, "DELETE", "/api/v1/projects/" + this.target.id, null, this.headers);
		}

		@Override
		boolean allowed(Reply reply) {
			return Set.of(204, 404, 409).contains(reply.status())
					|| (!this.headers.isEmpty() && reply.status() == 412);
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			if (outcome == Outcome.ACK) {
				effects.add(this.target.id, Event.Type.DELETED);
			}
			else if (outcome == Outcome.AMBIGUOUS) {
				effects.add(this.target.id, Event.Type.MAYBE_DELETED);
			}
		}

	}

	static final class Provision extends Op {

		final Model.Known target;

		Provision(int replica, Model.Known target) {
			super(replica);
			this.target = target;
			this.touches.add(target.id);
		}

		@Override
		String describe() {
			return "POST /api/v1/projects/" + this.target.id + "/provision (" + this.target.databaseName + ")";
		}

		@Override
		void run(Cluster cluster, FaultPostgres postgres) {
			send(cluster, "POST", "/api/v1/projects/" + this.target.id + "/provision", null, Map.of());
		}

		@Override
		boolean allowed(Reply reply) {
			return Set.of(200, 404, 409).contains(reply.status());
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			if (outcome == Outcome.ACK) {
				seen(effects, body());
			}
		}

	}

	static final class Import extends Op {

		final List<Map<String, Object>> entries;

		final String onConflict;

		Import(int replica, List<Map<String, Object>> entries, String onConflict) {
			super(replica);
			this.entries = entries;
			this.onConflict = onConflict;
			entries.forEach(entry -> this.touches.add(UUID.fromString((String) entry.get("id"))));
		}

		@Override
		String describe() {
			return "POST /api/v1/imports?onConflict=" + this.onConflict + " "
					+ this.entries.stream().map(e -> e.get("id") + "='" + e.get("name") + "'").toList();
		}

		@Override
		void run(Cluster cluster, FaultPostgres postgres) {
			send(cluster, "POST", "/api/v1/imports?onConflict=" + this.onConflict,
					Map.of("format", "project-registry-export", "version", 1, "projects", this.entries), Map.of());
		}

		@Override
		boolean allowed(Reply reply) {
			return reply.status() == 200 || reply.status() == 409;
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			if (outcome == Outcome.ACK) {
				JsonNode report = body();
				for (JsonNode imported : report.path("imported")) {
					UUID id = UUID.fromString(imported.path("id").asString());
					Event created = effects.add(id, Event.Type.CREATED);
					created.name = imported.path("name").asString();
					created.databaseName = imported.path("databaseName").asString();
					Map<String, Object> entry = this.entries.stream().filter(e -> e.get("id").equals(id.toString()))
						.findFirst().orElseThrow();
					created.description = (String) entry.get("description");
					created.descriptionCertain = true;
					created.indexStatus = (String) entry.getOrDefault("indexStatus", "NOT_INDEXED");
				}
				for (JsonNode unchanged : report.path("unchanged")) {
					effects.add(UUID.fromString(unchanged.path("id").asString()), Event.Type.SEEN);
				}
				this.note = "imported " + report.path("imported").size() + ", unchanged " + report.path("unchanged").size()
						+ ", skipped " + report.path("skipped").size();
			}
			else if (outcome == Outcome.AMBIGUOUS) {
				this.touches.forEach(id -> effects.add(id, Event.Type.MAYBE_RECREATED));
			}
		}

	}

	static final class Reconcile extends Op {

		Reconcile(int replica) {
			super(replica);
		}

		@Override
		String describe() {
			return "POST /api/v1/reconciliation";
		}

		@Override
		void run(Cluster cluster, FaultPostgres postgres) {
			send(cluster, "POST", "/api/v1/reconciliation", null, Map.of());
		}

		@Override
		boolean allowed(Reply reply) {
			return reply.status() == 200 || reply.status() == 409;
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			if (outcome == Outcome.ACK) {
				JsonNode report = body();
				for (JsonNode repair : report.path("repairs")) {
					if (repair.path("kind").asString().equals("LEFTOVER_DELETING") && repair.hasNonNull("projectId")) {
						effects.add(UUID.fromString(repair.path("projectId").asString()), Event.Type.MAYBE_DELETED);
					}
				}
				this.note = "found " + report.path("found") + " repairs " + report.path("repairs").size();
			}
		}

	}

	/** Operations behind the service's back, straight in PostgreSQL. */
	abstract static class Sql extends Op {

		boolean committed;

		String error;

		Sql() {
			super(-1);
		}

		@Override
		boolean allowed(Reply reply) {
			return true;
		}

		@Override
		void run(Cluster cluster, FaultPostgres postgres) {
			try {
				this.committed = execute(postgres);
			}
			catch (SQLException ex) {
				this.error = ex.getMessage();
			}
		}

		abstract boolean execute(FaultPostgres postgres) throws SQLException;

	}

	static final class SqlRename extends Sql {

		final Model.Known target;

		final String newName;

		SqlRename(Model.Known target, String newName) {
			this.target = target;
			this.newName = newName.length() > 255 ? newName.substring(0, 250) : newName;
			this.touches.add(target.id);
		}

		@Override
		String describe() {
			return "SQL UPDATE projects SET name='" + this.newName + "' WHERE id=" + this.target.id + " (was '"
					+ this.target.name + "')";
		}

		@Override
		boolean execute(FaultPostgres postgres) throws SQLException {
			try (Connection connection = postgres.connectRegistry();
					PreparedStatement update = connection.prepareStatement("UPDATE projects SET name = ? WHERE id = ?")) {
				update.setString(1, this.newName);
				update.setObject(2, this.target.id);
				return update.executeUpdate() == 1;
			}
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			if (this.committed) {
				effects.add(this.target.id, Event.Type.SEEN).name = this.newName;
			}
		}

	}

	static final class SqlDelete extends Sql {

		final Model.Known target;

		String databaseName;

		SqlDelete(Model.Known target) {
			this.target = target;
			this.touches.add(target.id);
		}

		@Override
		String describe() {
			return "SQL DELETE FROM projects WHERE id=" + this.target.id + " ('" + this.target.name + "', "
					+ this.target.databaseName + ")";
		}

		@Override
		boolean execute(FaultPostgres postgres) throws SQLException {
			try (Connection connection = postgres.connectRegistry();
					PreparedStatement delete = connection.prepareStatement("DELETE FROM projects WHERE id = ? RETURNING database_name")) {
				delete.setObject(1, this.target.id);
				try (ResultSet result = delete.executeQuery()) {
					if (result.next()) {
						this.databaseName = result.getString(1);
						return true;
					}
					return false;
				}
			}
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			// Its database stays: an orphan the test made on purpose.
			if (this.target.databaseName != null) {
				model.operatorOrphans.add(this.target.databaseName);
			}
			if (this.committed) {
				model.operatorOrphans.add(this.databaseName);
				effects.add(this.target.id, Event.Type.DELETED);
			}
			else if (this.error != null) {
				effects.add(this.target.id, Event.Type.MAYBE_DELETED);
			}
		}

	}

	static final class SqlDropDatabase extends Sql {

		final Model.Known target;

		SqlDropDatabase(Model.Known target) {
			this.target = target;
			this.touches.add(target.id);
		}

		@Override
		String describe() {
			return "SQL DROP DATABASE " + this.target.databaseName + " of " + this.target.id;
		}

		@Override
		boolean execute(FaultPostgres postgres) throws SQLException {
			if (this.target.databaseName == null || !this.target.databaseName.matches("[a-z][a-z0-9_]*")) {
				return false;
			}
			try (Connection connection = postgres.connectServer(); Statement statement = connection.createStatement()) {
				statement.execute("DROP DATABASE IF EXISTS \"" + this.target.databaseName + "\" WITH (FORCE)");
				return true;
			}
		}

		@Override
		void learn(Model.Effects effects, Outcome outcome, Model model) {
			if (this.target.databaseName != null) {
				model.handDropped.add(this.target.databaseName);
			}
		}

	}

	// ---------------------------------------------------------------- helpers

	private static Event created(Model.Effects effects, JsonNode project) {
		Event created = effects.add(UUID.fromString(project.path("id").asString()), Event.Type.CREATED);
		describe(created, project);
		return created;
	}

	private static void seen(Model.Effects effects, JsonNode project) {
		describe(effects.add(UUID.fromString(project.path("id").asString()), Event.Type.SEEN), project);
	}

	private static void describe(Event event, JsonNode project) {
		event.name = project.path("name").asString(null);
		event.databaseName = project.path("databaseName").asString(null);
		event.state = project.path("state").asString(null);
		event.version = project.path("version").asLong();
	}

	static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

	static String pathSegment(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/** Writes a config file naming a project (and, sometimes, its id) as clients do. */
	static void writeConfig(Path directory, String name, UUID id) throws IOException {
		Map<String, Object> project = new LinkedHashMap<>();
		project.put("name", name);
		if (id != null) {
			project.put("id", id.toString());
		}
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("version", "1.0");
		config.put("project", project);
		config.put("auto_switch", true);
		Path file = Files.createDirectories(directory.resolve(".codebase-mcp")).resolve("config.json");
		Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
	}

}
