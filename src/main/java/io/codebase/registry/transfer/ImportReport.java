package io.codebase.registry.transfer;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** What an import did, entry by entry. */
@Schema(description = "What an import did: projects imported (with their new databases), already there, skipped or renamed.",
		example = """
				{"format": "codebase-gardener", "imported": [{"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "name": "inventory",
				 "databaseName": "cb_proj_inventory_0f8fad5b"}], "unchanged": [], "skipped": [], "renamed": [],
				 "activeProject": {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "name": "inventory", "session": "mcp-7f3a"}}""")
@JsonInclude(JsonInclude.Include.NON_NULL)
record ImportReport(
		@Schema(description = "The format recognised: codebase-gardener or project-registry-export.", example = "codebase-gardener", requiredMode = Schema.RequiredMode.REQUIRED) String format,
		@Schema(description = "Projects registered by this import.", requiredMode = Schema.RequiredMode.REQUIRED) List<Entry> imported,
		@Schema(description = "Projects that were already registered (same id and name): a re-import changes nothing.", requiredMode = Schema.RequiredMode.REQUIRED) List<Entry> unchanged,
		@Schema(description = "Entries not imported because they clash with existing projects (onConflict=SKIP).", requiredMode = Schema.RequiredMode.REQUIRED) List<ImportProblem> skipped,
		@Schema(description = "Names changed to fit the name rule (normalizeNames=true).", requiredMode = Schema.RequiredMode.REQUIRED) List<Rename> renamed,
		@Schema(description = "The old registry's active project, and the session it was made active in; absent when the "
				+ "file names none or it was not imported.") ActiveProject activeProject) {

	@Schema(description = "A project of the import.", example = "{\"id\": \"0f8fad5b-d9cb-469f-a165-70867728950e\", \"name\": \"inventory\", \"databaseName\": \"cb_proj_inventory_0f8fad5b\"}")
	record Entry(@Schema(description = "Id, kept from the file.", example = "0f8fad5b-d9cb-469f-a165-70867728950e", requiredMode = Schema.RequiredMode.REQUIRED) UUID id,
			@Schema(description = "Name.", example = "inventory", requiredMode = Schema.RequiredMode.REQUIRED) String name,
			@Schema(description = "Its database.", example = "cb_proj_inventory_0f8fad5b", requiredMode = Schema.RequiredMode.REQUIRED) String databaseName) {
	}

	@Schema(description = "A name normalised to the name rule.", example = "{\"id\": \"16fd2706-8baf-433b-82eb-8c7fada847da\", \"from\": \"scratch: <tmp>\", \"to\": \"scratch-tmp\"}")
	record Rename(@Schema(description = "The entry's id.", example = "16fd2706-8baf-433b-82eb-8c7fada847da", requiredMode = Schema.RequiredMode.REQUIRED) UUID id,
			@Schema(description = "The name in the file.", example = "scratch: <tmp>", requiredMode = Schema.RequiredMode.REQUIRED) String from,
			@Schema(description = "The name registered.", example = "scratch-tmp", requiredMode = Schema.RequiredMode.REQUIRED) String to) {
	}

	/** Not the session request body of the same name: the schema names differ so that neither replaces the other. */
	@Schema(name = "ImportedActiveProject", description = "The old registry's active project.", example = "{\"id\": \"0f8fad5b-d9cb-469f-a165-70867728950e\", \"name\": \"inventory\", \"session\": \"mcp-7f3a\"}")
	record ActiveProject(@Schema(description = "Its id.", example = "0f8fad5b-d9cb-469f-a165-70867728950e", requiredMode = Schema.RequiredMode.REQUIRED) UUID id,
			@Schema(description = "Its name.", example = "inventory", requiredMode = Schema.RequiredMode.REQUIRED) String name,
			@Schema(description = "The session it became active in, when the import named one.", example = "mcp-7f3a", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String session) {
	}

}
