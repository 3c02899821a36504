package io.codebase.registry.resolution;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.codebase.registry.fleet.PlacementRequest;
import io.codebase.registry.project.CreateProjectRequest;
import io.codebase.registry.project.ProjectName;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.session.WorkingDirectories;
import io.codebase.registry.web.JsonErrors;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Reads and validates client configs ({@code .codebase-mcp/config.json}, or the same document sent inline), in
 * the format codebase-mcp clients already write. A project's fields obey the API's rules (the constraints of
 * {@link CreateProjectRequest}). Malformed configs are 422s naming the file, never a silent fallback.
 */
@Component
class ConfigReader {

	private static final Pattern VERSION = Pattern.compile("^\\d+\\.\\d+$");

	private final JsonMapper json;

	private final Validator validator;

	private final ResolutionProperties properties;

	private final WorkingDirectories workingDirectories;

	private final DatabaseProvisioner provisioner;

	private final ClientFileReader files;

	ConfigReader(JsonMapper json, Validator validator, ResolutionProperties properties,
			WorkingDirectories workingDirectories, DatabaseProvisioner provisioner, ClientFileReader files) {
		this.json = json;
		this.validator = validator;
		this.properties = properties;
		this.workingDirectories = workingDirectories;
		this.provisioner = provisioner;
		this.files = files;
	}

	/** The config file a search found: read only where its real path is under an allowed root. */
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
		long limit = this.properties.maxConfigSize().toBytes();
		String text;
		try {
			byte[] bytes = this.files.read(file, limit);
			if (bytes.length > limit) {
				throw new InvalidConfigException(file.toString(), "is larger than " + limit + " bytes");
			}
			text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new InvalidConfigException(file.toString(), "is not UTF-8 text");
		}
		catch (IOException ex) {
			throw new InvalidConfigException(file.toString(), "cannot be read: " + ex.getMessage());
		}
		return validate(parse(file.toString(), text), file, text);
	}

	ProjectConfig inline(Map<String, Object> document) {
		ObjectNode tree = this.json.valueToTree(document);
		if (this.json.writeValueAsBytes(tree).length > this.properties.maxConfigSize().toBytes()) {
			throw new InvalidConfigException("inline config",
					"is larger than " + this.properties.maxConfigSize().toBytes() + " bytes");
		}
		return validate(tree, null, null);
	}

	private ObjectNode parse(String source, String text) {
		JsonNode tree;
		try {
			tree = this.json.readTree(text);
		}
		catch (JacksonException ex) {
			throw new InvalidConfigException(source, "is not valid JSON ("
					+ JsonErrors.message(ex) + JsonErrors.location(ex) + ")");
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
		if (name == null || !name.isString()) {
			throw new InvalidConfigException(source, "project.name must be " + ProjectName.RULE);
		}
		requireApiRules("name", name.asString(), source);
		UUID id = optionalString(project, "id", source).map(value -> uuid(value, source)).orElse(null);
		String description = optionalString(project, "description", source).orElse(null);
		requireApiRules("description", description, source);
		String databaseName = optionalString(project, "database_name", source).orElse(null);
		if (databaseName != null && !this.provisioner.isManagedName(databaseName)) {
			throw new InvalidConfigException(source, "project.database_name '" + databaseName
					+ "' is not a managed database name (like cb_proj_<name>_<8 hex>)");
		}
		return new ProjectConfig(name.asString(), id, description, databaseName, placement(project, source), document,
				file, text);
	}

	/**
	 * {@code project.placement}: where a project created from this config goes, as on create
	 * ({@code {"server": "...", "labels": {"key": "value"}}}); absent: anywhere the placement policy chooses.
	 */
	private static PlacementRequest placement(ObjectNode project, String source) {
		JsonNode placement = project.get("placement");
		if (placement == null || placement.isNull()) {
			return PlacementRequest.ANY;
		}
		if (!(placement instanceof ObjectNode constraints)) {
			throw new InvalidConfigException(source, "project.placement must be an object with server and/or labels");
		}
		for (String member : constraints.propertyNames()) {
			if (!member.equals("server") && !member.equals("labels")) {
				throw new InvalidConfigException(source, "project.placement." + member + " is not known (server, labels)");
			}
		}
		JsonNode server = constraints.get("server");
		if (server != null && !server.isNull() && !server.isString()) {
			throw new InvalidConfigException(source, "project.placement.server must be a string");
		}
		Map<String, String> labels = new LinkedHashMap<>();
		JsonNode wanted = constraints.get("labels");
		if (wanted != null && !wanted.isNull()) {
			if (!wanted.isObject()) {
				throw new InvalidConfigException(source, "project.placement.labels must be an object of strings");
			}
			for (Map.Entry<String, JsonNode> label : wanted.properties()) {
				if (!label.getValue().isString()) {
					throw new InvalidConfigException(source, "project.placement.labels." + label.getKey() + " must be a string");
				}
				labels.put(label.getKey(), label.getValue().asString());
			}
		}
		return new PlacementRequest((server == null || server.isNull()) ? null : server.asString(), labels);
	}

	/** The constraints the API puts on this member of a new project, reported as the API words them. */
	private void requireApiRules(String member, String value, String source) {
		String problems = this.validator.validateValue(CreateProjectRequest.class, member, value)
			.stream()
			.map(ConstraintViolation::getMessage)
			.sorted()
			.collect(Collectors.joining("; "));
		if (!problems.isEmpty()) {
			throw new InvalidConfigException(source, "project." + member + " " + problems);
		}
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

}
