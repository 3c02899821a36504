package io.codebase.registry.project;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.provisioning.DatabaseServer;

import org.springframework.stereotype.Component;

/** Turns committed rows into views, with the connection details of the server each project's database is on. */
@Component
class ProjectConnections {

	private final DatabaseServers servers;

	ProjectConnections(DatabaseServers servers) {
		this.servers = servers;
	}

	ProjectView view(Project project) {
		return project.toView(connection(project.getServer(), project.getDatabaseName()));
	}

	ProjectConnection connection(String server, String database) {
		return this.servers.find(server)
			.map(found -> of(found, database))
			.orElseGet(() -> new ProjectConnection(server, null, null, database, null, null));
	}

	private static ProjectConnection of(DatabaseServer server, String database) {
		return new ProjectConnection(server.name(), server.host(), server.port(), database, server.jdbcUrlFor(database),
				server.uriFor(database));
	}

}
