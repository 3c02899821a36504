package io.codebase.registry.credentials;

import java.util.UUID;

import io.codebase.registry.provisioning.DatabaseNames;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Role names stay within PostgreSQL's 63 bytes, stay apart for different databases, and refuse anything unquotable. */
class RoleNamesTest {

	@Test
	void aShortDatabaseNameIsTheBaseOfItsRoles() {
		RoleNames roles = RoleNames.of("cb_proj_payments_3f6c1a52");

		assertThat(roles.owner()).isEqualTo("cb_proj_payments_3f6c1a52_owner");
		assertThat(roles.readWrite()).isEqualTo("cb_proj_payments_3f6c1a52_rw");
		assertThat(roles.readOnly()).isEqualTo("cb_proj_payments_3f6c1a52_ro");
	}

	@Test
	void theLongestDatabaseNamesGiveRolesOf63BytesAtMostThatKeepTheProjectIdEnding() {
		String longest = "cb_" + "x".repeat(51) + "_3f6c1a52";
		String other = "cb_" + "x".repeat(51) + "_9a0b1c2d";
		assertThat(longest).hasSize(63);

		RoleNames roles = RoleNames.of(longest);

		assertThat(roles.owner()).hasSizeLessThanOrEqualTo(63).endsWith("_3f6c1a52_owner").startsWith(longest.substring(0, 48));
		assertThat(RoleNames.of(other).owner()).isNotEqualTo(roles.owner());
		assertThat(roles.newCredential("cb_proj_")).hasSizeLessThanOrEqualTo(63);
	}

	@Test
	void credentialNamesHaveTheShapeThatMarksThemAsOursAndGroupRolesDoNot() {
		String prefix = "abcdefghijklmnopqrst";
		RoleNames roles = RoleNames.of(DatabaseNames.derive(prefix, "cred", UUID.randomUUID()));
		String credential = roles.newCredential(prefix);

		assertThat(credential).hasSizeLessThanOrEqualTo(46).matches(RoleNames.credentialPattern(prefix));
		assertThat(roles.newCredential(prefix)).isNotEqualTo(credential);
		for (String group : new String[] { roles.owner(), roles.readWrite(), roles.readOnly() }) {
			assertThat(group).doesNotMatch(RoleNames.credentialPattern(prefix));
		}
	}

	@Test
	void namesThatQuotingWouldHaveToEscapeAreRefused() {
		for (String name : new String[] { "x\"; DROP ROLE postgres; --_3f6c1a52", "Payments_3f6c1a52", "payments",
				"cb_" + "x".repeat(60) + "_3f6c1a52", null }) {
			assertThatIllegalArgumentException().isThrownBy(() -> RoleNames.of(name));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> RoleNames.quote("a\"b"));
	}

}
