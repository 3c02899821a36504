package io.codebase.registry.provisioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Creates and drops project databases on the server each one lives on. DDL on databases cannot run inside a
 * transaction, so every statement runs on an autocommit connection of that server's admin pool.
 */
@Component
public class DatabaseProvisioner {

	private static final Logger log = LoggerFactory.getLogger(DatabaseProvisioner.class);

	private static final String DUPLICATE_DATABASE = "42P04";

	private static final String UNIQUE_VIOLATION = "23505";

	/** Histogram buckets of provisioning times: percentiles on dashboards without a bucket per millisecond. */
	private static final Duration[] DURATION_BUCKETS = { Duration.ofMillis(100), Duration.ofMillis(250),
			Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
			Duration.ofSeconds(10), Duration.ofSeconds(30) };

	private final String prefix;

	private final MeterRegistry meters;

	/** {@code " TEMPLATE <quoted name>"} of the operator's template, or empty. */
	private final String templateClause;

	private final ProjectTemplates templates;

	DatabaseProvisioner(ProvisioningProperties properties, ProjectTemplates templates, MeterRegistry meters) {
		this.prefix = properties.databasePrefix();
		this.templates = templates;
		this.meters = meters;
		// Every series at zero from the start: an alert on failures then has a series to watch before the first one.
		for (Operation operation : Operation.values()) {
			timer(operation, "success");
			timer(operation, "failure");
		}
		this.templateClause = properties.template().isEmpty() ? ""
				: " TEMPLATE " + DatabaseNames.quoteTemplate(properties.template());
	}

	/** The name a new project's database gets (the codebase-mcp convention, with the configured prefix). */
	public String databaseNameFor(String projectName, UUID projectId) {
		return DatabaseNames.derive(this.prefix, projectName, projectId);
	}

	/** Whether a database name has the managed shape and this registry's prefix. */
	public boolean isManagedName(String databaseName) {
		return DatabaseNames.isManaged(this.prefix, databaseName);
	}

	/**
	 * Creates the database: a copy of the operator's template if one is configured, else of the server's managed
	 * template when it is ready (the project schema already in it), else from the server's default. A copy of the
	 * managed template that the server refuses is counted and done the normal way: the template never fails a
	 * create. A database of that name that already exists is adopted: managed names embed the project id, so it can
	 * only be ours, left by a crash after CREATE or by a concurrent attempt, or one the caller asked to adopt.
	 * Returns whether this call created it.
	 */
	public boolean createDatabase(DatabaseServer server, String databaseName) {
		String quoted = DatabaseNames.quote(databaseName);
		return timed(Operation.CREATE, () -> {
			String clause = this.templateClause;
			try (Connection connection = server.admin().getConnection(); Statement statement = connection.createStatement()) {
				connection.setAutoCommit(true);
				Optional<String> managed = clause.isEmpty() ? this.templates.readyOn(server) : Optional.empty();
				if (managed.isPresent()) {
					try {
						statement.execute("CREATE DATABASE " + quoted + " TEMPLATE " + DatabaseNames.quoteTemplate(managed.get()));
						this.templates.copied(server, databaseName, managed.get());
						return true;
					}
					catch (SQLException ex) {
						if (isDuplicate(ex) || ProvisioningException.isConnectionFailure(ex.getSQLState())) {
							clause = " TEMPLATE " + managed.get();
							throw ex;
						}
						this.templates.refused(server, managed.get(), ex);
					}
				}
				statement.execute("CREATE DATABASE " + quoted + clause);
				return true;
			}
			catch (SQLException ex) {
				if (isDuplicate(ex)) {
					log.info("Database {} already exists; adopting it", databaseName);
					return false;
				}
				throw failure("CREATE DATABASE " + databaseName + clause + " on " + server.name(), ex);
			}
		});
	}

	private static boolean isDuplicate(SQLException ex) {
		return DUPLICATE_DATABASE.equals(ex.getSQLState()) || UNIQUE_VIOLATION.equals(ex.getSQLState());
	}

	/** The schema version of a database just created as a copy of the managed template of the current migrations. */
	Optional<String> currentCopyVersion(DatabaseServer server, String databaseName) {
		return this.templates.currentCopyVersion(server, databaseName);
	}

	/** Drops the database, disconnecting its sessions; a database that is already gone is fine. */
	public void dropDatabase(DatabaseServer server, String databaseName) {
		String quoted = DatabaseNames.quote(databaseName);
		timed(Operation.DROP, () -> {
			try (Connection connection = server.admin().getConnection(); Statement statement = connection.createStatement()) {
				connection.setAutoCommit(true);
				statement.execute("DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)");
				return null;
			}
			catch (SQLException ex) {
				throw failure("DROP DATABASE " + databaseName + " on " + server.name(), ex);
			}
		});
	}

	public boolean databaseExists(DatabaseServer server, String databaseName) {
		try (Connection connection = server.admin().getConnection();
				PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
			query.setString(1, databaseName);
			try (ResultSet result = query.executeQuery()) {
				return result.next();
			}
		}
		catch (SQLException ex) {
			throw failure("looking up database " + databaseName + " on " + server.name(), ex);
		}
	}

	/** Every database on the server, managed or not, in one query. */
	public Set<String> databaseNames(DatabaseServer server) {
		try (Connection connection = server.admin().getConnection();
				Statement query = connection.createStatement();
				ResultSet result = query.executeQuery("SELECT datname FROM pg_database")) {
			Set<String> names = new HashSet<>();
			while (result.next()) {
				names.add(result.getString(1));
			}
			return names;
		}
		catch (SQLException ex) {
			throw failure("listing the databases of " + server.name(), ex);
		}
	}

	/** Runs an operation on project databases, timed in {@code registry.provisioning.duration{operation,result}}. */
	<T> T timed(Operation operation, Supplier<T> action) {
		long start = System.nanoTime();
		String result = "failure";
		try {
			T value = action.get();
			result = "success";
			return value;
		}
		finally {
			timer(operation, result).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		}
	}

	private Timer timer(Operation operation, String result) {
		return Timer.builder("registry.provisioning.duration")
			.description("Time spent creating, migrating, securing and dropping project databases")
			.tag("operation", operation.name().toLowerCase(Locale.ROOT))
			.tag("result", result)
			.serviceLevelObjectives(DURATION_BUCKETS)
			.register(this.meters);
	}

	private static ProvisioningException failure(String what, SQLException ex) {
		return new ProvisioningException(what + " failed: " + ex.getMessage() + " (SQLSTATE " + ex.getSQLState() + ")",
				ex);
	}

	/**
	 * Runs the access step of a project database (its roles and grants, which need a connection to the database
	 * itself), timed as {@code operation=secure}: with the other three it splits a create's time on the server.
	 */
	public void timedSecuring(Runnable securing) {
		timed(Operation.SECURE, () -> {
			securing.run();
			return null;
		});
	}

	/** What {@link #timed} measures: the {@code operation} tag. */
	enum Operation {

		CREATE, MIGRATE, SECURE, DROP

	}

}
