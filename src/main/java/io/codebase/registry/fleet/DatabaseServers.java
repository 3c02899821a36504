package io.codebase.registry.fleet;

import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.provisioning.ProvisioningProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The servers of the fleet as configured: where each is, how to reach it, its labels, capacity and weight. Their
 * state at run time (cordoned, health, usage) lives in the {@code database_servers} table; every configured server
 * has a row there from start-up on.
 */
@Component
public class DatabaseServers implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(DatabaseServers.class);

	private final Map<String, Member> members;

	DatabaseServers(FleetProperties fleet, ProvisioningProperties provisioning, DataSource registryDataSource,
			JdbcConnectionDetails registryDatabase, ObjectProvider<LocalFleet> localFleet, JdbcClient jdbc) {
		this.members = new LinkedHashMap<>();
		List<FleetProperties.Server> declared = !fleet.servers().isEmpty() ? fleet.servers()
				: localFleet.stream().flatMap(local -> local.servers().stream()).toList();
		try {
			if (declared.isEmpty()) {
				DatabaseServer server = defaultServer(provisioning, registryDataSource, registryDatabase, fleet);
				this.members.put(server.name(), new Member(server,
						FleetProperties.Server.unconstrained(server.name(), server.safeUrl())));
				requireCreateDatabase(server, provisioning.usesSeparateServer());
			}
			else {
				for (FleetProperties.Server server : declared) {
					this.members.put(server.name(), new Member(DatabaseServer.pooled(server.name(), server.url(),
							server.username(), server.password(), fleet.maxConnections(), fleet.healthTimeout()),
							server));
				}
				log.info("Project databases live on a fleet of {} servers: {}", this.members.size(), this.members.keySet());
			}
			// A row for every configured server, so that placement can lock and read its state.
			this.members.keySet()
				.forEach(name -> jdbc.sql("INSERT INTO database_servers (name) VALUES (?) ON CONFLICT (name) DO NOTHING")
					.param(name)
					.update());
		}
		catch (RuntimeException ex) {
			destroy();
			throw ex;
		}
	}

	private static DatabaseServer defaultServer(ProvisioningProperties provisioning, DataSource registryDataSource,
			JdbcConnectionDetails registryDatabase, FleetProperties fleet) {
		if (provisioning.usesSeparateServer()) {
			log.info("Project databases are provisioned on {} as {}", provisioning.url().replaceFirst("\\?.*", ""),
					provisioning.username());
			return DatabaseServer.pooled(FleetProperties.DEFAULT_SERVER, provisioning.url(), provisioning.username(),
					provisioning.password(), provisioning.maxConnections(), fleet.healthTimeout().multipliedBy(5));
		}
		return DatabaseServer.shared(FleetProperties.DEFAULT_SERVER, registryDataSource, registryDatabase.getJdbcUrl(),
				registryDatabase.getUsername(), registryDatabase.getPassword());
	}

	/** Refuses to start with a login that cannot create databases: better now than at the first project. */
	private static void requireCreateDatabase(DatabaseServer server, boolean separateServer) {
		try {
			server.requireCreateDatabase(separateServer);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Checking the CREATEDB privilege on " + server.safeUrl() + " failed: "
					+ ex.getMessage(), ex);
		}
	}

	/** The server a project's database lives on; a server that is not configured (any more) is unavailable. */
	public DatabaseServer server(String name) {
		return find(name).orElseThrow(() -> new ServerUnavailableException(name, "is not configured"));
	}

	public Optional<DatabaseServer> find(String name) {
		return Optional.ofNullable(this.members.get(name)).map(Member::server);
	}

	/** Every configured server, in configuration order. */
	public Collection<DatabaseServer> all() {
		return this.members.values().stream().map(Member::server).toList();
	}

	/** The configured settings of a server: labels, capacity, weight. */
	FleetProperties.Server settings(String name) {
		return this.members.get(name).settings();
	}

	List<String> names() {
		return List.copyOf(this.members.keySet());
	}

	@Override
	public void destroy() {
		this.members.values().forEach(member -> member.server().close());
	}

	record Member(DatabaseServer server, FleetProperties.Server settings) {
	}

}
