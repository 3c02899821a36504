package io.codebase.registry.provisioning;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.project.ProjectName;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No name the API accepts can break out of the quotes of the DDL it reaches: the weirdest accepted names, and a
 * seeded sample of random ones, are really created and dropped, and exactly one database, of exactly the
 * derived name, appears and disappears each time.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QuotedIdentifierTest {

	private static final long SEED = 5L;

	private static final TestDatabase db = TestDatabase.get();

	@Autowired
	DatabaseProvisioner provisioner;

	@Autowired
	DatabaseServers servers;

	@Test
	void theWeirdestAcceptedNamesAreCreatedAndDroppedAsThemselves() {
		List<String> names = new ArrayList<>(List.of("a", "Z", "0", "a DROP DATABASE postgres z",
				"x OR 1 1 --y", "a--b", "a_ _b", "a" + " ".repeat(253) + "b", "a-".repeat(127) + "a",
				"9".repeat(255), "Robert-  DROP TABLE projects -- x", "UNION SELECT datname FROM pg_database 1",
				"pg_catalog", "template1", "postgres"));
		Random random = new Random(SEED);
		String alphabet = "aZ09_- ";
		for (int i = 0; i < 10; i++) {
			StringBuilder name = new StringBuilder("q");
			for (int c = random.nextInt(254); c > 0; c--) {
				name.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			names.add(name.append('q').toString());
		}
		long databases = db.databaseCount();
		for (String name : names) {
			assertThat(ProjectName.isValid(name)).as(name).isTrue();
			String database = this.provisioner.databaseNameFor(name, UUID.randomUUID());

			this.provisioner.createDatabase(this.servers.server("default"), database);
			assertThat(db.databaseCount()).as(name).isEqualTo(databases + 1);
			assertThat(db.databaseExists(database)).as(name).isTrue();
			this.provisioner.dropDatabase(this.servers.server("default"), database);
			assertThat(db.databaseCount()).as(name).isEqualTo(databases);
		}
		assertThat(db.databaseExists("postgres")).isTrue();
		assertThat(db.databaseExists("template1")).isTrue();
	}

	@Test
	void namesThatCouldCarrySqlAreRefusedByTheApiRule() {
		for (String hostile : new String[] { "a\"b", "a'b", "a;b", "a\\b", "a\u0000b", "a\nb", "a.b", "a/b", "-a", "a ",
				" a", "", "a".repeat(256), "\u0430", "a\u200Bb" }) {
			assertThat(ProjectName.isValid(hostile)).as(hostile).isFalse();
		}
	}

}
