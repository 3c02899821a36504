package io.codebase.registry.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Hands {@link RegistryClient}s and {@link Projects} fixtures to the constructors, test and lifecycle methods of
 * an {@link ApiTest}, pointed at the test's server; each fixture is closed (its projects deleted) when the scope
 * it was made for ends. The test context itself is left alone, so that it stays shared with every other test
 * class that starts the same application.
 */
public final class RegistryApi implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RegistryApi.class);

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		Class<?> type = parameter.getParameter().getType();
		return type == RegistryClient.class || type == Projects.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		RegistryClient client = new RegistryClient(port(context));
		if (parameter.getParameter().getType() == RegistryClient.class) {
			return client;
		}
		Projects projects = new Projects(client);
		context.getStore(NAMESPACE).put(projects, projects);
		return projects;
	}

	private static int port(ExtensionContext context) {
		return SpringExtension.getApplicationContext(context)
			.getEnvironment()
			.getRequiredProperty("local.server.port", Integer.class);
	}

}
