package io.codebase.registry.security;

import io.codebase.registry.ProjectRegistryApplication;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** Without API keys the service listens on loopback only, and refuses an explicit wider address. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SafeExposureTest {

	@Autowired
	ServerProperties server;

	@Test
	void theTestServiceWithoutKeysListensOnLoopbackOnly() {
		assertThat(this.server.getAddress()).isNotNull();
		assertThat(this.server.getAddress().isLoopbackAddress()).isTrue();
	}

	@Test
	void withoutKeysBothServersDefaultToLoopback() {
		MockEnvironment shared = new MockEnvironment();
		MockEnvironment separate = new MockEnvironment().withProperty("management.server.port", "8081");

		new SafeExposure().postProcessEnvironment(shared, null);
		new SafeExposure().postProcessEnvironment(separate, null);

		assertThat(shared.getProperty("server.address")).isEqualTo("127.0.0.1");
		// A management address is only allowed (and needed) when the management server has its own port.
		assertThat(shared.getProperty("management.server.address")).isNull();
		assertThat(separate.getProperty("server.address")).isEqualTo("127.0.0.1");
		assertThat(separate.getProperty("management.server.address")).isEqualTo("127.0.0.1");
	}

	@Test
	void withoutKeysAnExplicitLoopbackAddressIsKept() {
		for (String address : new String[] { "localhost", "127.0.0.2", "::1" }) {
			MockEnvironment environment = new MockEnvironment().withProperty("server.address", address);

			new SafeExposure().postProcessEnvironment(environment, null);

			assertThat(environment.getProperty("server.address")).isEqualTo(address);
		}
	}

	@Test
	void withoutKeysAWiderAddressStopsTheStart() {
		for (String property : new String[] { "server.address", "management.server.address" }) {
			for (String address : new String[] { "0.0.0.0", "::", "192.0.2.10", "no-such-host.invalid" }) {
				MockEnvironment environment = new MockEnvironment().withProperty(property, address);

				assertThatIllegalStateException()
					.isThrownBy(() -> new SafeExposure().postProcessEnvironment(environment, null))
					.withMessageContaining(address)
					.withMessageContaining("registry.security.allow-anonymous=true");
			}
		}
	}

	@Test
	void allowAnonymousOrKeysLeaveTheAddressAlone() {
		MockEnvironment anonymous = new MockEnvironment().withProperty("server.address", "0.0.0.0")
			.withProperty("registry.security.allow-anonymous", "true");
		MockEnvironment keyed = new MockEnvironment()
			.withProperty("registry.security.keys[0].name", "ci")
			.withProperty("registry.security.keys[0].role", "admin")
			.withProperty("registry.security.keys[0].key", "0123456789abcdef");

		assertThatNoException().isThrownBy(() -> new SafeExposure().postProcessEnvironment(anonymous, null));
		new SafeExposure().postProcessEnvironment(keyed, null);

		assertThat(anonymous.getProperty("server.address")).isEqualTo("0.0.0.0");
		assertThat(keyed.getProperty("server.address")).isNull();
	}

	@Test
	void theApplicationRefusesToStartOnAllInterfacesWithoutKeys() {
		assertThatIllegalStateException().isThrownBy(() -> new SpringApplicationBuilder(ProjectRegistryApplication.class)
			.properties(TestDatabase.get().properties())
			.run("--server.port=0", "--server.address=0.0.0.0").close())
			.withMessageContaining("Refusing to listen on 0.0.0.0 (server.address) without API keys");
	}

}
