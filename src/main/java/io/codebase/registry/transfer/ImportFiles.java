package io.codebase.registry.transfer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.fleet.PlacementRequest;
import io.codebase.registry.project.ImportedProject;
import io.codebase.registry.project.IndexStatus;
import io.codebase.registry.project.ProjectName;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Reads an import file, all of it, before anything is written: the old codebase-gardener registry
 * ({@code ~/.codebase-gardener/registry.json}) or this service's own export. Every bad entry is collected, so a
 * 422 lists them all.
 */
@Component
class ImportFiles {

	static final String GARDENER = "codebase-gardener";

	static final String EXPORT = "project-registry-export";

	private static final Map<String, IndexStatus> TRAINING_STATUS = Map.of("not_started", IndexStatus.NOT_INDEXED,
			"training", IndexStatus.INDEXING, "completed", IndexStatus.INDEXED, "failed", IndexStatus.FAILED);

	/** Members of a gardener entry that become columns; all others go into metadata. */
	private static final Set<String> GARDENER_COLUMNS = Set.of("project_id", "name", "source_path", "training_status");

	private static final Pattern DISALLOWED = Pattern.compile("[^A-Za-z0-9_ -]+");

	private static final Pattern SEPARATOR_RUN = Pattern.compile("[ _-]*-[ _-]*");

	private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
	};

	private final JsonMapper json;

	private final DatabaseProvisioner provisioner;

	private final DatabaseServers servers;

	ImportFiles(JsonMapper json, DatabaseProvisioner provisioner, DatabaseServers servers) {
		this.servers = servers;
		this.json = json;
		this.provisioner = provisioner;
	}

	/** A parsed import: its projects, the renames made, and the old registry's active project. */
	record Parsed(String format, List<ImportedProject> projects, List<ImportReport.Rename> renamed, UUID activeProject) {
	}

	Parsed parse(String text, boolean normalizeNames) {
		JsonNode root;
		try {
			root = this.json.readTree(text);
		}
		catch (JacksonException ex) {
			String where = (ex.getLocation() != null) ? " at line " + ex.getLocation().getLineNr() + ", column "
					+ ex.getLocation().getColumnNr() : "";
			throw new InvalidImportException("The file is not valid JSON" + where
					+ " (a file cut off while it was written?); nothing was imported", List.of());
		}
		Reader reader = new Reader(normalizeNames);
		String format;
		if (root instanceof ObjectNode object && EXPORT.equals(object.path("format").asString(null))) {
			format = EXPORT;
			reader.readExport(object);
		}
		else if (root instanceof ObjectNode object && object.get("projects") instanceof ObjectNode) {
			format = GARDENER;
			reader.readGardener(object);
		}
		else {
			throw new InvalidImportException("Neither a codebase-gardener registry (an object with \"projects\" keyed by "
					+ "id) nor a project-registry export (\"format\": \"" + EXPORT + "\"); nothing was imported", List.of());
		}
		reader.checkEntriesAreDistinct();
		if (!reader.errors.isEmpty()) {
			throw InvalidImportException.invalidEntries(List.copyOf(reader.errors));
		}
		return new Parsed(format, List.copyOf(reader.projects), List.copyOf(reader.renamed), reader.activeProject);
	}

	/** Names outside the rule, made to fit: other characters become '-', runs collapse, ends are trimmed. */
	static String normalize(String name, UUID id) {
		String fitted = SEPARATOR_RUN.matcher(DISALLOWED.matcher(name).replaceAll("-")).replaceAll("-");
		fitted = fitted.substring(0, Math.min(fitted.length(), 255)).replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
		return fitted.isEmpty() ? "project-" + id.toString().substring(0, 8) : fitted;
	}

	/** The state of one read: what was accepted and everything that was wrong. */
	private final class Reader {

		private final boolean normalizeNames;

		private final List<ImportedProject> projects = new ArrayList<>();

		private final List<ImportReport.Rename> renamed = new ArrayList<>();

		private final List<ImportProblem> errors = new ArrayList<>();

		private UUID activeProject;

		Reader(boolean normalizeNames) {
			this.normalizeNames = normalizeNames;
		}

		void readGardener(ObjectNode root) {
			root.get("projects").properties().forEach(member -> {
				String entry = member.getKey();
				UUID id = uuid(entry, "project_id", entry);
				if (!(member.getValue() instanceof ObjectNode project)) {
					error(entry, "entry", "must be an object");
					return;
				}
				JsonNode projectId = project.get("project_id");
				if (projectId != null && !projectId.isNull() && !entry.equals(projectId.asString(null))) {
					error(entry, "project_id", "must equal the entry's key");
				}
				IndexStatus status = trainingStatus(entry, project.get("training_status"));
				String name = name(entry, id, project.get("name"));
				String sourcePath = optionalText(entry, "source_path", project.get("source_path"));
				Map<String, Object> metadata = new LinkedHashMap<>();
				project.properties().forEach(field -> {
					if (!GARDENER_COLUMNS.contains(field.getKey())) {
						metadata.put(field.getKey(), ImportFiles.this.json.treeToValue(field.getValue(), Object.class));
					}
				});
				metadata.put("imported_from", GARDENER);
				if (id != null && name != null && status != null) {
					this.projects.add(new ImportedProject(id, name, null, sourcePath, metadata, status, null, null));
				}
			});
			JsonNode active = root.get("active_project");
			if (active != null && !active.isNull()) {
				this.activeProject = uuid("active_project", "active_project", active.asString(""));
				if (this.activeProject != null
						&& this.projects.stream().noneMatch(project -> project.id().equals(this.activeProject))) {
					error("active_project", "active_project", "is not one of the projects in the file");
				}
			}
		}

		void readExport(ObjectNode root) {
			JsonNode list = root.get("projects");
			if (list == null || !list.isArray()) {
				error("projects", "projects", "must be an array");
				return;
			}
			for (int index = 0; index < list.size(); index++) {
				String entry = "projects[" + index + "]";
				if (!(list.get(index) instanceof ObjectNode project)) {
					error(entry, "entry", "must be an object");
					continue;
				}
				UUID id = uuid(entry, "id", project.path("id").asString(""));
				String name = name(entry, id, project.get("name"));
				IndexStatus status = indexStatus(entry, project.get("indexStatus"));
				String databaseName = optionalText(entry, "databaseName", project.get("databaseName"));
				if (databaseName != null && !ImportFiles.this.provisioner.isManagedName(databaseName)) {
					error(entry, "databaseName", "'" + databaseName + "' is not a managed database name");
				}
				JsonNode metadata = project.get("metadata");
				if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
					error(entry, "metadata", "must be an object");
				}
				// The server it was exported from, when this registry has one of that name; otherwise placed anew.
				String server = optionalText(entry, "server", project.get("server"));
				PlacementRequest placement = (server != null && ImportFiles.this.servers.find(server).isPresent())
						? new PlacementRequest(server, Map.of()) : PlacementRequest.ANY;
				if (id != null && name != null && status != null) {
					this.projects.add(new ImportedProject(id, name, optionalText(entry, "description", project.get("description")),
							optionalText(entry, "sourcePath", project.get("sourcePath")),
							(metadata != null && metadata.isObject()) ? ImportFiles.this.json.treeToValue(metadata, OBJECT) : null,
							status, databaseName, placement));
				}
			}
		}

		/** Two entries of one file that would clash with each other are the file's error, found before any write. */
		void checkEntriesAreDistinct() {
			Map<String, UUID> names = new HashMap<>();
			Set<UUID> ids = new HashSet<>();
			Map<String, UUID> databases = new HashMap<>();
			for (ImportedProject project : this.projects) {
				UUID other = names.putIfAbsent(ProjectName.key(project.name()), project.id());
				if (other != null) {
					error(project.id().toString(), "name", "'" + project.name() + "' is also the name of " + other
							+ " (names are unique regardless of case)");
				}
				if (!ids.add(project.id())) {
					error(project.id().toString(), "id", "appears in more than one entry");
				}
				if (project.databaseName() != null) {
					UUID holder = databases.putIfAbsent(project.databaseName(), project.id());
					if (holder != null) {
						error(project.id().toString(), "databaseName", project.databaseName() + " is also the database of "
								+ holder);
					}
				}
			}
		}

		private String name(String entry, UUID id, JsonNode value) {
			if (value == null || !value.isString()) {
				error(entry, "name", "is required and must be a string");
				return null;
			}
			String name = value.asString();
			if (ProjectName.isValid(name)) {
				return name;
			}
			if (!this.normalizeNames || id == null) {
				error(entry, "name", "'" + name + "' is not " + ProjectName.RULE
						+ (this.normalizeNames ? "" : " (normalizeNames=true makes it fit)"));
				return null;
			}
			String fitted = normalize(name, id);
			this.renamed.add(new ImportReport.Rename(id, name, fitted));
			return fitted;
		}

		private IndexStatus trainingStatus(String entry, JsonNode value) {
			if (value == null || value.isNull()) {
				return IndexStatus.NOT_INDEXED;
			}
			IndexStatus status = value.isString() ? TRAINING_STATUS.get(value.asString()) : null;
			if (status == null) {
				error(entry, "training_status", "'" + value.asString(String.valueOf(value))
						+ "' is not one of not_started, training, completed, failed");
			}
			return status;
		}

		private IndexStatus indexStatus(String entry, JsonNode value) {
			if (value == null || value.isNull()) {
				return IndexStatus.NOT_INDEXED;
			}
			try {
				return IndexStatus.valueOf(value.asString(""));
			}
			catch (IllegalArgumentException ex) {
				error(entry, "indexStatus", "'" + value.asString(String.valueOf(value)) + "' is not an index status");
				return null;
			}
		}

		private String optionalText(String entry, String field, JsonNode value) {
			if (value == null || value.isNull()) {
				return null;
			}
			if (!value.isString()) {
				error(entry, field, "must be a string");
				return null;
			}
			return value.asString();
		}

		private UUID uuid(String entry, String field, String value) {
			try {
				if (value.length() == 36) {
					return UUID.fromString(value);
				}
			}
			catch (IllegalArgumentException ex) {
				// reported below
			}
			error(entry, field, "'" + value + "' is not a UUID");
			return null;
		}

		private void error(String entry, String field, String message) {
			this.errors.add(new ImportProblem(entry, field, message));
		}

	}

}
