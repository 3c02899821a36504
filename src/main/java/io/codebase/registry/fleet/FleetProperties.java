package io.codebase.registry.fleet;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The PostgreSQL servers that hold project databases. With no server declared there is one, named
 * {@code default}: the server of {@code registry.provisioning.url}, or the registry's own.
 *
 * @param servers the servers new projects may be placed on; credentials belong in the deployment's secrets, like
 * the datasource's. Removing a server that still holds projects makes those projects unavailable, not lost
 * @param reserve share of each capacity kept free: a server is full at {@code (1 - reserve) x capacity}
 * @param healthInterval how often each replica checks that every server answers
 * @param healthTimeout how long one check may take before the server counts as DOWN
 * @param usageInterval how often the size of every server's project databases is measured
 * @param maxConnections admin connections per server (CREATE/DROP DATABASE, roles, sizes)
 * @param embeddedServers for trying a fleet locally: start this many extra embedded PostgreSQL servers, named
 * {@code local-1}, {@code local-2}, ... and labelled {@code zone: a}, {@code zone: b}, ..., next to the registry's
 * embedded one (only when the registry runs on its embedded server and no servers are declared)
 */
@ConfigurationProperties("registry.fleet")
public record FleetProperties(
		@DefaultValue List<Server> servers,
		@DefaultValue("0.1") double reserve,
		@DefaultValue("15s") Duration healthInterval,
		@DefaultValue("2s") Duration healthTimeout,
		@DefaultValue("1m") Duration usageInterval,
		@DefaultValue("2") int maxConnections,
		@DefaultValue("0") int embeddedServers) {

	static final String DEFAULT_SERVER = "default";

	/** Same expression as the {@code database_servers_name_rule} CHECK constraint. */
	static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	public FleetProperties {
		if (!(reserve >= 0 && reserve < 1)) {
			throw new IllegalArgumentException("registry.fleet.reserve must be at least 0 and below 1");
		}
		if (healthInterval.isNegative() || healthInterval.isZero() || healthTimeout.isNegative()
				|| healthTimeout.isZero() || usageInterval.isNegative() || usageInterval.isZero()) {
			throw new IllegalArgumentException("registry.fleet: intervals and timeouts must be positive");
		}
		if (maxConnections < 1 || embeddedServers < 0 || embeddedServers > 8) {
			throw new IllegalArgumentException(
					"registry.fleet: max-connections must be positive, embedded-servers between 0 and 8");
		}
		Set<String> names = new HashSet<>();
		for (int i = 0; i < servers.size(); i++) {
			Server server = servers.get(i);
			if (!names.add(server.name())) {
				throw new IllegalArgumentException("registry.fleet.servers[" + i + "]: the name " + server.name()
						+ " is declared twice");
			}
		}
	}

	/**
	 * One server of the fleet.
	 *
	 * @param name the name projects refer to: lower-case letters, digits and '-', at most 63; never renamed while
	 * it holds projects
	 * @param url JDBC URL of any existing database on the server ({@code jdbc:postgresql://host:5432/postgres})
	 * @param username admin login; it needs CREATEDB and CREATEROLE
	 * @param password its password
	 * @param labels free key-value pairs that placement constraints match, e.g. {@code region: eu}, {@code tier: ssd}
	 * @param capacity how much the server may hold; 0 is unlimited
	 * @param weight its share of new projects relative to the others
	 */
	public record Server(String name, String url, @DefaultValue("") String username, @DefaultValue("") String password,
			@DefaultValue Map<String, String> labels, @DefaultValue Capacity capacity, @DefaultValue("1") double weight) {

		public Server {
			if (name == null || !NAME.matcher(name).matches()) {
				throw new IllegalArgumentException("registry.fleet.servers: name " + name
						+ " must be lower-case letters, digits and '-' (at most 63), starting and ending with a letter or digit");
			}
			if (url == null || !url.startsWith("jdbc:postgresql:")) {
				throw new IllegalArgumentException("registry.fleet.servers: server " + name
						+ " needs a url of the form jdbc:postgresql://host:5432/postgres");
			}
			if (!(weight > 0)) {
				throw new IllegalArgumentException("registry.fleet.servers: weight of " + name + " must be above 0");
			}
		}

		/** A server with no labels, no capacity limit and weight 1: the only one when no fleet is declared. */
		static Server unconstrained(String name, String url) {
			return new Server(name, url, "", "", Map.of(), new Capacity(0, DataSize.ofBytes(0)), 1);
		}

		/** Without the password, which must never reach a log line. */
		@Override
		public String toString() {
			return "Server[" + this.name + "]";
		}

	}

	/**
	 * @param projects the most projects the server holds; 0: unlimited
	 * @param size the most its project databases may take together; 0: unlimited
	 */
	public record Capacity(@DefaultValue("0") long projects, @DefaultValue("0B") DataSize size) {

		public Capacity {
			if (projects < 0 || size.isNegative()) {
				throw new IllegalArgumentException("registry.fleet.servers: a capacity cannot be negative");
			}
		}

	}

}
