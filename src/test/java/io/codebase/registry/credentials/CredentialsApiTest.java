package io.codebase.registry.credentials;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.codebase.registry.support.ApiResponse;
import io.codebase.registry.support.ApiTest;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.RegistryClient;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * Credentials checked by PostgreSQL itself, over password authentication ({@link TestDatabase} turns it on for
 * every login but the superuser): a READ_WRITE credential writes to its project's database and cannot even connect
 * to another's; a READ_ONLY one reads, including a table created after it was issued, and cannot write; an expired
 * or revoked one cannot log in; its password is in no log line; bad requests create nothing.
 */
@ApiTest(properties = { "registry.security.keys[0].name=cred-admin", "registry.security.keys[0].role=admin",
		"registry.security.keys[0].key=" + CredentialsApiTest.ADMIN, "registry.security.keys[1].name=cred-reader",
		"registry.security.keys[1].role=reader", "registry.security.keys[1].key=" + CredentialsApiTest.READER })
@ExtendWith(OutputCaptureExtension.class)
class CredentialsApiTest {

	static final String ADMIN = "cred-admin-key-5e1f0c9a7b";

	static final String READER = "cred-reader-key-2b8d4e6f13";

	private static final TestDatabase db = TestDatabase.get();

	private static final String NO_CONNECT = "42501";

	private static final String AUTHENTICATION_FAILED = "28P01";

	@Test
	void credentialsOpenTheirOwnProjectsDatabaseWithTheirCallersAccess(RegistryClient client, CapturedOutput output)
			throws SQLException {
		RegistryClient admin = client.withKey(ADMIN);
		try (Projects projects = new Projects(admin)) {
			JsonNode a = projects.ready("cred-a");
			JsonNode b = projects.ready("cred-b");
			String databaseA = a.get("databaseName").asString();

			JsonNode readWrite = issue(admin, a.get("name").asString(), "{}");
			JsonNode readOnly = issue(client.withKey(READER), a.get("id").asString(), "{\"ttlSeconds\": 600}");

			assertThat(readWrite.get("access").asString()).isEqualTo("READ_WRITE");
			assertThat(readOnly.get("access").asString()).isEqualTo("READ_ONLY");
			assertThat(readWrite.get("password").asString()).hasSizeGreaterThanOrEqualTo(32);
			assertThat(Instant.parse(readWrite.get("expiresAt").asString()))
				.isCloseTo(Instant.now().plus(Duration.ofHours(1)), within(Duration.ofSeconds(30)));
			assertThat(Instant.parse(readOnly.get("expiresAt").asString()))
				.isCloseTo(Instant.now().plus(Duration.ofMinutes(10)), within(Duration.ofSeconds(30)));
			assertThat(readWrite.get("connection").get("database").asString()).isEqualTo(databaseA);
			// A table made after the credentials, as a later migration would make it: by the admin login.
			try (Connection connection = admin(databaseA); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE later_notes (id bigserial PRIMARY KEY, note text)");
			}

			try (Connection connection = login(readWrite, databaseA); Statement statement = connection.createStatement()) {
				statement.execute("INSERT INTO later_notes (note) VALUES ('written')");
				assertThat(statement.executeUpdate("UPDATE later_notes SET note = 'again'")).isEqualTo(1);
			}
			try (Connection connection = login(readOnly, databaseA); Statement statement = connection.createStatement()) {
				var rows = statement.executeQuery("SELECT note FROM later_notes");
				assertThat(rows.next()).isTrue();
				assertThat(rows.getString(1)).isEqualTo("again");
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> statement.execute("INSERT INTO later_notes (note) VALUES ('refused')"))
					.satisfies(ex -> assertThat(ex.getSQLState()).isEqualTo(NO_CONNECT));
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> statement.execute("CREATE TABLE mine (id int)"))
					.satisfies(ex -> assertThat(ex.getSQLState()).isEqualTo(NO_CONNECT));
			}
			for (JsonNode credential : new JsonNode[] { readWrite, readOnly }) {
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> login(credential, b.get("databaseName").asString()).close())
					.satisfies(ex -> assertThat(ex.getSQLState()).isEqualTo(NO_CONNECT));
			}

			assertThat(output.getAll()).contains("action=credential.create", readWrite.get("name").asString())
				.doesNotContain(readWrite.get("password").asString())
				.doesNotContain(readOnly.get("password").asString());
		}
	}

	@Test
	void expiredAndRevokedCredentialsCannotLogIn(RegistryClient client, CapturedOutput output) {
		RegistryClient admin = client.withKey(ADMIN);
		try (Projects projects = new Projects(admin)) {
			JsonNode project = projects.ready("cred-expiry");
			String database = project.get("databaseName").asString();
			JsonNode expiring = issue(admin, project.get("id").asString(), "{\"ttlSeconds\": 1}");
			JsonNode revoked = issue(admin, project.get("id").asString(), null);

			db.execute("ALTER ROLE \"" + expiring.get("name").asString() + "\" VALID UNTIL '2000-01-01'");
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> login(expiring, database).close())
				.satisfies(ex -> assertThat(ex.getSQLState()).isEqualTo(AUTHENTICATION_FAILED));
			// The reconciler drops it; the credential that is still valid stays.
			ApiResponse reconciled = admin.post("/api/v1/reconciliation?kind=EXPIRED_CREDENTIALS", null);
			assertThat(reconciled.status()).as(reconciled.toString()).isEqualTo(200);
			assertThat(reconciled.json().get("repairs").get(0).get("outcome").asString()).isEqualTo("REPAIRED");
			assertThat(roleExists(expiring.get("name").asString())).isFalse();
			assertThat(roleExists(revoked.get("name").asString())).isTrue();

			String path = "/api/v1/projects/" + project.get("id").asString() + "/credentials/"
					+ revoked.get("name").asString();
			assertProblem(client.withKey(READER).send("DELETE", path, null, Map.of()), 403, "forbidden");
			assertThat(admin.send("DELETE", path, null, Map.of()).status()).isEqualTo(204);
			assertThat(roleExists(revoked.get("name").asString())).isFalse();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> login(revoked, database).close())
				.satisfies(ex -> assertThat(ex.getSQLState()).isEqualTo(AUTHENTICATION_FAILED));
			assertProblem(admin.send("DELETE", path, null, Map.of()), 404, "credential-not-found");
			assertThat(output.getAll()).contains("action=credential.revoke", "credential=" + revoked.get("name").asString())
				.doesNotContain(revoked.get("password").asString());
		}
	}

	@Test
	void badRequestsAreProblemsAndCreateNothing(RegistryClient client) {
		RegistryClient admin = client.withKey(ADMIN);
		try (Projects projects = new Projects(admin)) {
			String path = "/api/v1/projects/" + projects.ready("cred-bad").get("id").asString() + "/credentials";
			long logins = countLogins();
			for (String body : new String[] { "{\"ttlSeconds\": 0}", "{\"ttlSeconds\": -5}", "{\"ttlSeconds\": 86401}",
					"{\"ttlSeconds\": \"3600\"}", "{\"ttlSeconds\": 1.5}", "{\"ttl\": 60}", "[1]" }) {
				assertProblem(admin.sendRaw("POST", path, body, Map.of()), 400, null);
			}
			assertProblem(admin.sendRaw("POST", "/api/v1/projects/no-such-project/credentials", "{}", Map.of()), 404,
					"project-not-found");
			assertThat(countLogins()).isEqualTo(logins);
		}
	}

	private static JsonNode issue(RegistryClient client, String project, String body) {
		ApiResponse response = client.sendRaw("POST", "/api/v1/projects/" + RegistryClient.segment(project) + "/credentials",
				body, Map.of());
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		assertThat(response.header("Location")).hasValueSatisfying(
				location -> assertThat(location).endsWith("/credentials/" + response.json().get("name").asString()));
		return response.json();
	}

	private static Connection login(JsonNode credential, String database) throws SQLException {
		return DriverManager.getConnection(credential.get("connection").get("jdbcUrl").asString()
			.replace(credential.get("connection").get("database").asString(), database),
				credential.get("name").asString(), credential.get("password").asString());
	}

	private static Connection admin(String database) throws SQLException {
		return DriverManager.getConnection(db.jdbcUrl().replaceFirst("/registry_test", "/" + database), db.username(), "");
	}

	@Test
	void theReconcilerRepairsAccessAndADeleteDropsEveryRole(RegistryClient client) throws SQLException {
		RegistryClient admin = client.withKey(ADMIN);
		try (Projects projects = new Projects(admin)) {
			JsonNode project = projects.ready("cred-drift");
			String database = project.get("databaseName").asString();
			JsonNode credential = issue(admin, project.get("id").asString(), null);
			assertThat(publicMayConnect(database)).isFalse();
			// Access as a project from before credentials has it: PUBLIC may connect, no read-only role.
			db.execute("GRANT CONNECT ON DATABASE \"" + database + "\" TO PUBLIC");
			try (Connection connection = admin(database); Statement statement = connection.createStatement()) {
				statement.execute("DROP OWNED BY \"" + database + "_ro\"");
				statement.execute("DROP ROLE \"" + database + "_ro\"");
			}

			ApiResponse report = admin.get("/api/v1/reconciliation?kind=MISSING_ACCESS_ROLES");
			assertThat(report.json().get("drifts").get(0).get("projectId").asString())
				.isEqualTo(project.get("id").asString());
			ApiResponse repaired = admin.post("/api/v1/reconciliation?kind=MISSING_ACCESS_ROLES", null);
			assertThat(repaired.json().get("repairs").get(0).get("outcome").asString()).as(repaired.toString())
				.isEqualTo("REPAIRED");
			assertThat(publicMayConnect(database)).isFalse();
			assertThat(roleExists(database + "_ro")).isTrue();
			assertThat(admin.get("/api/v1/reconciliation?kind=MISSING_ACCESS_ROLES").json().get("drifts")).isEmpty();

			assertThat(admin.delete(project.get("id").asString()).status()).isEqualTo(204);
			for (String role : new String[] { database + "_owner", database + "_rw", database + "_ro",
					credential.get("name").asString() }) {
				assertThat(roleExists(role)).as(role).isFalse();
			}
		}
	}

	@Test
	void aResolutionCarriesACredentialWhenAskedWithTheCallersAccess(RegistryClient client) throws SQLException {
		try (Projects projects = new Projects(client.withKey(ADMIN))) {
			JsonNode project = projects.ready("cred-resolve");
			ApiResponse plain = client.withKey(READER).resolve(io.codebase.registry.support.Json.object("project",
					project.get("name").asString()));
			assertThat(plain.json().has("credentials")).isFalse();

			ApiResponse resolved = client.withKey(READER).resolve(io.codebase.registry.support.Json.object("project",
					project.get("name").asString(), "credentials", true));

			assertThat(resolved.status()).as(resolved.toString()).isEqualTo(200);
			JsonNode credential = resolved.json().get("credentials");
			assertThat(credential.get("access").asString()).isEqualTo("READ_ONLY");
			try (Connection connection = login(credential, project.get("databaseName").asString())) {
				assertThat(connection.isValid(5)).isTrue();
			}
		}
	}

	private static boolean roleExists(String role) {
		return db.count("SELECT count(*) FROM pg_roles WHERE rolname = ?", role) == 1;
	}

	private static boolean publicMayConnect(String database) {
		return db.count("SELECT count(*) FROM pg_database WHERE datname = ? "
				+ "AND has_database_privilege('public', oid, 'CONNECT')", database) == 1;
	}

	private static long countLogins() {
		return db.count("SELECT count(*) FROM pg_roles WHERE rolcanlogin");
	}

}
