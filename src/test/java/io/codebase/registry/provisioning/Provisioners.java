package io.codebase.registry.provisioning;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;

/** Provisioners built by hand for tests without an application context. */
final class Provisioners {

	private Provisioners() {
	}

	/** A provisioner without managed templates: databases come from the operator's template or the server's. */
	static DatabaseProvisioner withoutManagedTemplate(ProvisioningProperties properties, MeterRegistry meters) {
		return new DatabaseProvisioner(properties, new ProjectTemplates(properties,
				new ProjectSchemaProperties(false, List.of(), "", "registry_schema_history"),
				new ManagedTemplateProperties(false, Duration.ZERO), meters), meters);
	}

}
