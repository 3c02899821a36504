package io.codebase.registry.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Safe defaults before anything listens: without API keys (and without {@code registry.security.allow-anonymous}),
 * every caller would be an admin able to drop databases, so the server and the management server listen on
 * 127.0.0.1 unless told otherwise, and an explicit non-loopback address (such as 0.0.0.0) stops the start.
 */
public class SafeExposure implements EnvironmentPostProcessor, Ordered {

	static final String LOOPBACK = "127.0.0.1";

	static final String PROPERTY_SOURCE = "registry-security-loopback";

	private static final List<String> ADDRESSES = List.of("server.address", "management.server.address");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		SecurityProperties security = Binder.get(environment).bindOrCreate("registry.security", SecurityProperties.class);
		if (security.hasKeys() || security.allowAnonymous()) {
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		for (String property : ADDRESSES) {
			String address = environment.getProperty(property);
			if (address == null || address.isBlank()) {
				// Spring Boot refuses a management address unless the management server has a port of its own.
				if (property.equals("server.address") || hasSeparateManagementPort(environment)) {
					defaults.put(property, LOOPBACK);
				}
			}
			else if (!isLoopback(address)) {
				throw new IllegalStateException("Refusing to listen on " + address + " (" + property
						+ ") without API keys: anyone who can reach it could create and drop databases. Configure "
						+ "registry.security.keys, or set registry.security.allow-anonymous=true to let anonymous "
						+ "callers in as admins (a trusted network only).");
			}
		}
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, defaults));
	}

	private static boolean hasSeparateManagementPort(ConfigurableEnvironment environment) {
		String port = environment.getProperty("management.server.port");
		return port != null && !port.equals(environment.getProperty("server.port", "8080"));
	}

	private static boolean isLoopback(String address) {
		try {
			for (InetAddress resolved : InetAddress.getAllByName(address.strip())) {
				if (!resolved.isLoopbackAddress()) {
					return false;
				}
			}
			return true;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	@Override
	public int getOrder() {
		// After the configuration files, the environment and the command line have been read.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
