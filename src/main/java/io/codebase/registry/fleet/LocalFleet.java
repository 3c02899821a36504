package io.codebase.registry.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.codebase.registry.config.EmbeddedServerSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * A fleet to try out on one machine: {@code registry.fleet.embedded-servers=N} starts N embedded PostgreSQL servers
 * beside the registry's embedded one, named {@code local-1}, {@code local-2}, ... and labelled {@code zone: a},
 * {@code zone: b}, ..., each with a data directory of its own that survives restarts. Only when the
 * registry itself runs embedded and no servers are declared: a deployment never starts servers of its own.
 */
@Component
class LocalFleet implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(LocalFleet.class);

	private final List<EmbeddedPostgres> running = new ArrayList<>();

	private final List<FleetProperties.Server> servers = new ArrayList<>();

	LocalFleet(FleetProperties fleet, Environment environment) throws IOException {
		boolean embeddedRegistry = environment.getProperty("spring.datasource.url", "").isEmpty();
		if (fleet.embeddedServers() == 0 || !fleet.servers().isEmpty() || !embeddedRegistry) {
			return;
		}
		Path registryData = Path.of(environment.getProperty("registry.embedded.data-directory",
				Path.of(System.getProperty("user.home"), ".project-registry", "postgres").toString()));
		try {
			for (int i = 1; i <= fleet.embeddedServers(); i++) {
				String name = "local-" + i;
				Path data = registryData.resolveSibling("fleet").resolve(name);
				Files.createDirectories(data);
				// The registry's own embedded server's settings (logical replication and its slots), so that
				// projects move between the local servers as they would off the registry's own.
				EmbeddedPostgres postgres = EmbeddedServerSettings.apply(EmbeddedPostgres.builder())
					.setDataDirectory(data)
					.setCleanDataDirectory(false)
					.setRegisterShutdownHook(false)
					.start();
				this.running.add(postgres);
				this.servers.add(new FleetProperties.Server(name,
						"jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres", "postgres", "",
						Map.of("zone", String.valueOf((char) ('a' + i - 1))),
						new FleetProperties.Capacity(0, DataSize.ofBytes(0)), 1));
				log.info("Local fleet server {} listening on localhost:{}, data in {}", name, postgres.getPort(), data);
			}
		}
		catch (IOException | RuntimeException ex) {
			destroy();
			throw ex;
		}
	}

	/** The started servers as if declared in {@code registry.fleet.servers}; empty when none were started. */
	List<FleetProperties.Server> servers() {
		return List.copyOf(this.servers);
	}

	@Override
	public void destroy() throws IOException {
		for (EmbeddedPostgres postgres : this.running) {
			postgres.close();
		}
		this.running.clear();
	}

}
