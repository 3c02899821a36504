package io.codebase.registry.resolution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Writes a project's id back into the config file it was resolved from, changing nothing else (not even
 * formatting): the text is spliced at the id's place, written to a temporary file beside it and moved over it
 * atomically.
 */
@Component
class ConfigWriteBack {

	private final JsonMapper json;

	private final ClientFileReader files;

	ConfigWriteBack(JsonMapper json, ClientFileReader files) {
		this.json = json;
		this.files = files;
	}

	/** Writes the id into the file the config was read from; returns what happened, for the trace. */
	String writeBackId(ProjectConfig config, UUID id) {
		Path file = config.file();
		if (!isWritable(file)) {
			return "config file is read-only; project id not written back";
		}
		String updated = withId(config.text(), id);
		if (!isTheDocumentWithTheId(updated, config, id)) {
			return "project id not written back: the file could not be edited safely";
		}
		byte[] read = config.text().getBytes(StandardCharsets.UTF_8);
		try {
			if (!Arrays.equals(this.files.read(file, read.length), read)) {
				return "config file changed while it was read; project id not written back";
			}
		}
		catch (IOException ex) {
			return "project id not written back: " + file + " cannot be read: " + ex.getMessage();
		}
		Path temporary = null;
		try {
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

	/**
	 * The text with {@code project.id} set: its value replaced wherever it stands among the members, or a member
	 * inserted first in {@code project} (indented like the first member) when there is none.
	 */
	private String withId(String text, UUID id) {
		String quoted = "\"" + id + "\"";
		try (JsonParser parser = this.json.createParser(text)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return text;
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				boolean isProject = parser.currentName().equals("project");
				if (parser.nextToken() == JsonToken.START_OBJECT && isProject) {
					return withIdInProject(text, parser, quoted);
				}
				parser.skipChildren();
			}
		}
		return text;
	}

	/** {@code parser} stands on the '{' of {@code project}. */
	private static String withIdInProject(String text, JsonParser parser, String quoted) {
		int projectStart = (int) parser.currentTokenLocation().getCharOffset();
		int firstMember = -1;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			if (firstMember < 0) {
				firstMember = (int) parser.currentTokenLocation().getCharOffset();
			}
			boolean isId = parser.currentName().equals("id");
			parser.nextToken();
			int start = (int) parser.currentTokenLocation().getCharOffset();
			parser.skipChildren();
			if (isId) {
				if (parser.currentToken() == JsonToken.VALUE_STRING) {
					parser.getString(); // strings are read lazily: the location is past the value only once it is read
				}
				int end = (int) parser.currentLocation().getCharOffset();
				return text.substring(0, start) + quoted + text.substring(end);
			}
		}
		return (firstMember < 0) ? insertAfter(text, projectStart, "\"id\": " + quoted, "")
				: insertAfter(text, projectStart, "\"id\": " + quoted + ",", text.substring(projectStart + 1, firstMember));
	}

	/** Whether the edited text reads back as the document with {@code project.id} set, and nothing else changed. */
	private boolean isTheDocumentWithTheId(String updated, ProjectConfig config, UUID id) {
		try {
			return this.json.readTree(updated).equals(config.document().deepCopy().set("project",
					((ObjectNode) config.document().get("project")).deepCopy().put("id", id.toString())));
		}
		catch (JacksonException ex) {
			return false;
		}
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

}
