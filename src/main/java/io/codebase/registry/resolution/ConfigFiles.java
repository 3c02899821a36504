package io.codebase.registry.resolution;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.codebase.registry.project.ProjectName;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.session.WorkingDirectories;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Finds, reads, validates and updates client config files ({@code .codebase-mcp/config.json}), in the format
 * codebase-mcp clients already write. Malformed configs are 422s naming the file, never a silent fallback.
 */
@Component
class ConfigFiles {

	private static final Pattern VERSION = Pattern.compile("^\\d+\\.\\d+$");

	private static final int MAX_DESCRIPTION_LENGTH = 1000;

	private final JsonMapper json;

	private final ResolutionProperties properties;

	private final WorkingDirectories workingDirectories;

	private final DatabaseProvisioner provisioner;

	ConfigFiles(JsonMapper json, ResolutionProperties properties, WorkingDirectories workingDirectories,
			DatabaseProvisioner provisioner) {
		this.json = json;
		this.properties = properties;
		this.workingDirectories = workingDirectories;
		this.provisioner = provisioner;
	}

	/** What a search from a working directory found, or why it stopped. */
	record Search(Optional<Path> file, String stoppedBecause) {
	}

	/**
	 * Looks for the config file from the working directory up through its parents; stops at a directory holding
	 * {@code .git}, at the top of the allowed root, at the filesystem root, or after the depth limit.
	 */
	Search find(Path workingDirectory) {
		Path root = this.workingDirectories.rootOf(workingDirectory).orElse(workingDirectory);
		Path directory = workingDirectory;
		for (int level = 0; level < this.properties.maxConfigDepth(); level++) {
			Path candidate = directory.resolve(this.properties.configFile());
			if (Files.isRegularFile(candidate)) {
				return new Search(Optional.of(candidate), "found");
			}
			// A .git directory, or a .git file (worktrees and submodules), marks the repository root.
			if (Files.exists(directory.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
				return new Search(Optional.empty(), "stopped at the repository root " + directory);
			}
			if (directory.equals(root)) {
				return new Search(Optional.empty(), "stopped at the allowed root " + root);
			}
			directory = directory.getParent();
			if (directory == null) {
				return new Search(Optional.empty(), "stopped at the filesystem root");
			}
		}
		return new Search(Optional.empty(), "stopped after " + this.properties.maxConfigDepth() + " directories");
	}

	ProjectConfig read(Path candidate) {
		Path file;
		try {
			file = candidate.toRealPath();
		}
		catch (IOException ex) {
			throw new InvalidConfigException(candidate.toString(), "cannot be read");
		}
		if (this.workingDirectories.rootOf(file).isEmpty()) {
			throw new InvalidConfigException(candidate.toString(), "resolves to " + file + ", outside the allowed roots");
		}
		try {
			if (Files.size(file) > this.properties.maxConfigSize().toBytes()) {
				throw new InvalidConfigException(file.toString(),
						"is larger than " + this.properties.maxConfigSize().toBytes() + " bytes");
			}
			String text = Files.readString(file, StandardCharsets.UTF_8);
			return validate(parse(file.toString(), text), file, text);
		}
		catch (CharacterCodingException ex) {
			throw new InvalidConfigException(file.toString(), "is not UTF-8 text");
		}
		catch (IOException ex) {
			throw new InvalidConfigException(file.toString(), "cannot be read: " + ex.getMessage());
		}
	}

	ProjectConfig inline(Map<String, Object> document) {
		ObjectNode tree = this.json.valueToTree(document);
		if (this.json.writeValueAsBytes(tree).length > this.properties.maxConfigSize().toBytes()) {
			throw new InvalidConfigException("inline config",
					"is larger than " + this.properties.maxConfigSize().toBytes() + " bytes");
		}
		return validate(tree, null, null);
	}

	/**
	 * Writes the project id into the file, changing nothing else (not even formatting): the text is spliced at
	 * the id's place, written to a temporary file beside it and moved over it atomically. Returns what happened.
	 */
	String writeBackId(ProjectConfig config, UUID id) {
		Path file = config.file();
		if (!isWritable(file)) {
			return "config file is read-only; project id not written back";
		}
		String updated = withId(config.text(), id);
		if (!this.json.readTree(updated).equals(config.document().deepCopy().set("project",
				((ObjectNode) config.document().get("project")).deepCopy().put("id", id.toString())))) {
			return "project id not written back: the file could not be edited safely";
		}
		Path temporary = null;
		try {
			if (!Files.readString(file, StandardCharsets.UTF_8).equals(config.text())) {
				return "config file changed while it was read; project id not written back";
			}
			temporary = Files.createTempFile(file.getParent(), ".config-", ".json.tmp");
			Files.writeString(temporary, updated, StandardCharsets.UTF_8);
			copyPermissions(file, temporary);
			Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			return "project id " + id + " written back to " + file;
		}
		catch (AtomicMoveNotSupportedException ex) {
			return "project id not written back: the file system cannot replace files atomically";
		}
		catch (IOException ex) {
			return "project id not written back: " + ex.getMessage();
		}
		finally {
			deleteQuietly(temporary);
		}
	}

	private ObjectNode parse(String source, String text) {
		JsonNode tree;
		try {
			tree = this.json.readTree(text);
		}
		catch (JacksonException ex) {
			throw new InvalidConfigException(source, "is not valid JSON ("
					+ ex.getOriginalMessage().replaceAll("\\s+", " ") + location(ex) + ")");
		}
		if (!(tree instanceof ObjectNode object)) {
			throw new InvalidConfigException(source, "must hold a JSON object");
		}
		return object;
	}

	private ProjectConfig validate(ObjectNode document, Path file, String text) {
		String source = (file != null) ? file.toString() : "inline config";
		JsonNode version = document.get("version");
		if (version != null && !version.isNull() && !(version.isString() && VERSION.matcher(version.asString()).matches())) {
			throw new InvalidConfigException(source, "version must be a string like \"1.0\"");
		}
		if (!(document.get("project") instanceof ObjectNode project)) {
			throw new InvalidConfigException(source, "project must be an object with a name");
		}
		JsonNode name = project.get("name");
		if (name == null || !name.isString() || !ProjectName.isValid(name.asString())) {
			throw new InvalidConfigException(source, "project.name must be " + ProjectName.RULE);
		}
		UUID id = optionalString(project, "id", source).map(value -> uuid(value, source)).orElse(null);
		String description = optionalString(project, "description", source).orElse(null);
		if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
			throw new InvalidConfigException(source,
					"project.description must be at most " + MAX_DESCRIPTION_LENGTH + " characters");
		}
		String databaseName = optionalString(project, "database_name", source).orElse(null);
		if (databaseName != null && !this.provisioner.isManagedName(databaseName)) {
			throw new InvalidConfigException(source, "project.database_name '" + databaseName
					+ "' is not a managed database name (like cb_proj_<name>_<8 hex>)");
		}
		return new ProjectConfig(name.asString(), id, description, databaseName, document, file, text);
	}

	private static Optional<String> optionalString(ObjectNode project, String member, String source) {
		JsonNode value = project.get(member);
		if (value == null || value.isNull()) {
			return Optional.empty();
		}
		if (!value.isString()) {
			throw new InvalidConfigException(source, "project." + member + " must be a string");
		}
		return Optional.of(value.asString());
	}

	private static UUID uuid(String value, String source) {
		try {
			if (value.length() == 36) {
				return UUID.fromString(value);
			}
		}
		catch (IllegalArgumentException ex) {
			// reported below
		}
		throw new InvalidConfigException(source, "project.id '" + value + "' is not a UUID");
	}

	/** The text with {@code project.id} set: its value replaced, or a member inserted first in {@code project}. */
	private String withId(String text, UUID id) {
		String quoted = "\"" + id + "\"";
		try (JsonParser parser = this.json.createParser(text)) {
			int depth = 0;
			boolean inProject = false;
			int projectStart = -1;
			JsonToken token;
			while ((token = parser.nextToken()) != null) {
				if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
					depth++;
				}
				else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
					if (inProject && depth == 2) {
						return insertAfter(text, projectStart, "\"id\": " + quoted, "");
					}
					depth--;
				}
				else if (token == JsonToken.PROPERTY_NAME && depth == 1 && parser.currentName().equals("project")) {
					parser.nextToken();
					projectStart = (int) parser.currentTokenLocation().getCharOffset();
					inProject = true;
					depth++;
				}
				else if (token == JsonToken.PROPERTY_NAME && inProject && depth == 2) {
					if (parser.currentName().equals("id")) {
						parser.nextToken();
						int start = (int) parser.currentTokenLocation().getCharOffset();
						parser.skipChildren();
						parser.getString();
						int end = (int) parser.currentLocation().getCharOffset();
						return text.substring(0, start) + quoted + text.substring(end);
					}
					int firstMember = (int) parser.currentTokenLocation().getCharOffset();
					return insertAfter(text, projectStart, "\"id\": " + quoted + ",",
							text.substring(projectStart + 1, firstMember));
				}
			}
		}
		return text;
	}

	/** Inserts a member right after the '{' at {@code brace}, on its own line when the object uses lines. */
	private static String insertAfter(String text, int brace, String member, String indentation) {
		return text.substring(0, brace + 1) + indentation + member + text.substring(brace + 1);
	}

	/** Writable for the service and meant to be written: root ignores permission bits, so they are read too. */
	private static boolean isWritable(Path file) {
		if (!Files.isWritable(file) || !Files.isWritable(file.getParent())) {
			return false;
		}
		try {
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
			return permissions.contains(PosixFilePermission.OWNER_WRITE);
		}
		catch (UnsupportedOperationException | IOException ex) {
			return true;
		}
	}

	private static void copyPermissions(Path from, Path to) throws IOException {
		try {
			Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system: the new file keeps the default permissions
		}
	}

	private static void deleteQuietly(Path file) {
		if (file != null) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				// a leftover temporary file is harmless; it is hidden and never read
			}
		}
	}

	private static String location(JacksonException ex) {
		return (ex.getLocation() != null)
				? " at line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr() : "";
	}

}
