package io.codebase.registry.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Projects a test needs as a precondition: created through the API, checked READY, and deleted (with their
 * databases) when the test is over. {@link RegistryApi} hands one to each test and closes it afterwards.
 */
public final class Projects implements AutoCloseable {

	private final RegistryClient api;

	private final List<String> created = new ArrayList<>();

	public Projects(RegistryClient api) {
		this.api = api;
	}

	/**
	 * A name no other test (or earlier run on the same database) uses: the prefix, a dash and 8 random hex digits.
	 * Valid under the project name rule when the prefix is.
	 */
	public static String uniqueName(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** A READY project with a {@link #uniqueName unique name} made from the prefix. */
	public JsonNode ready(String prefix) {
		return readyNamed(uniqueName(prefix));
	}

	/**
	 * A READY project with exactly this name, as any later read shows it: without the placement explanation that
	 * only the creating answer carries.
	 */
	public JsonNode readyNamed(String name) {
		ApiResponse response = this.api.createProject(name);
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		JsonNode project = response.json();
		assertThat(project.get("state").asString()).isEqualTo("READY");
		assertThat(project.get("placement")).as("the placement explained in the answer that created it").isNotNull();
		this.created.add(project.get("id").asString());
		return asStored(project);
	}

	/** A project as an answer that did not create it shows it: without {@code placement}. */
	public static JsonNode asStored(JsonNode created) {
		ObjectNode project = ((ObjectNode) created).deepCopy();
		project.remove("placement");
		return project;
	}

	/** Deletes what this fixture created; a project the test deleted itself is simply gone (404). */
	@Override
	public void close() {
		for (String id : this.created) {
			int status = this.api.delete(id).status();
			assertThat(status).as("deleting fixture project %s", id).isIn(204, 404);
		}
		this.created.clear();
	}

}
