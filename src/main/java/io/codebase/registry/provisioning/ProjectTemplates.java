package io.codebase.registry.provisioning;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.ValidateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The registry-managed template databases ({@link ManagedTemplateProperties}): on every server, one database per
 * version of the project schema, migrated once by Flyway with the configuration project databases get, then sealed
 * ({@code IS_TEMPLATE true, ALLOW_CONNECTIONS false}) so that nobody stays connected to it. Its name carries a
 * checksum of the migrations, so a changed migration set means a new template; those of older schema versions are
 * dropped once the new one is sealed (those of newer ones are kept for the replicas that use them).
 * <p>
 * A create never waits for a template: until the server's template is ready, it takes the normal path while a
 * background thread builds the template (or finds the one another replica built). Builds on a server hold an
 * advisory lock there, so two replicas never build at once; an unsealed template found under that lock is what a
 * crash left behind, and is dropped and built again.
 */
@Component
class ProjectTemplates implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(ProjectTemplates.class);

	/** The advisory-lock class of template builds (two-key form; other locks of this service use other classes). */
	private static final int LOCK_CLASS = 0x5c4e_7a06;

	private static final String UNDEFINED_DATABASE = "3D000";

	/** A Flyway version, as recorded on a template: nothing that could end the SQL literal it is written in. */
	private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");

	private final String prefix;

	private final ProjectSchemaProperties schema;

	private final Duration retryAfter;

	/** Whether managed templates are used at all: on, with the schema step on and no operator's template. */
	private final boolean active;

	private final Map<String, Slot> slots = new ConcurrentHashMap<>();

	/**
	 * Databases copied from a template whose schema step has not run yet ({@code server/database} to template); an
	 * entry is taken by that step, and one a crash left behind expires.
	 */
	private final Cache<String, String> copies = Caffeine.newBuilder()
		.expireAfterWrite(Duration.ofMinutes(10))
		.maximumSize(10_000)
		.build();

	/** The SQL files of the classpath locations, read once: they cannot change while the service runs. */
	private volatile List<MigrationFile> classpathFiles;

	private final ExecutorService builder;

	private final Counter notReady;

	private final Counter refused;

	ProjectTemplates(ProvisioningProperties provisioning, ProjectSchemaProperties schema,
			ManagedTemplateProperties properties, MeterRegistry meters) {
		this.prefix = provisioning.databasePrefix();
		this.schema = schema;
		this.retryAfter = properties.retryAfter();
		this.active = properties.enabled() && schema.enabled() && provisioning.template().isEmpty();
		this.builder = Executors.newSingleThreadExecutor(task -> {
			Thread thread = new Thread(task, "project-templates");
			thread.setDaemon(true);
			return thread;
		});
		this.notReady = fallbacks(meters, "not-ready");
		this.refused = fallbacks(meters, "refused");
	}

	private static Counter fallbacks(MeterRegistry meters, String reason) {
		return Counter.builder("registry.provisioning.template.fallbacks")
			.description("Project databases created without the managed template: it was not ready, or the server "
					+ "refused the copy")
			.tag("reason", reason)
			.register(meters);
	}

	/**
	 * The template a new database on the server is to be copied from, when it is ready. When it is not (the first
	 * create on the server, a build under way or failed), a fallback is counted, a build is started in the
	 * background if none is running and the last attempt is {@code retry-after} old, and the answer is empty.
	 */
	Optional<String> readyOn(DatabaseServer server) {
		if (!this.active) {
			return Optional.empty();
		}
		Slot slot = slot(server);
		Ready ready = slot.ready;
		if (ready != null) {
			return Optional.of(ready.name());
		}
		this.notReady.increment();
		buildSoon(server, slot);
		return Optional.empty();
	}

	/** Starts a build of the server's template in the background, unless one runs or the last failed recently. */
	private void buildSoon(DatabaseServer server, Slot slot) {
		if (System.nanoTime() - slot.notBefore >= 0 && slot.building.compareAndSet(false, true)) {
			try {
				this.builder.execute(() -> {
					try {
						ensure(server);
					}
					catch (RuntimeException ex) {
						if (!this.builder.isShutdown()) {
							log.warn("The project-schema template on {} is not ready: {}", server.name(), ex.getMessage());
						}
					}
					finally {
						slot.building.set(false);
					}
				});
			}
			catch (RejectedExecutionException ex) {
				slot.building.set(false); // shutting down
			}
		}
	}

	/** Remembers that the database was just created as a copy of the template, for {@link #isCurrentCopy}. */
	void copied(DatabaseServer server, String database, String template) {
		this.copies.put(server.name() + "/" + database, template);
	}

	/**
	 * The schema version of a database just copied from the template of the migrations as they are now: the version
	 * Flyway recorded on the template when it built and validated it, so there is nothing to migrate. Asked once per
	 * copy, by the schema step. Empty for any other database, and for a copy of an older template (migrations added
	 * to a {@code filesystem:} location since): Flyway migrates it, and the server's template is built again at the
	 * next create.
	 */
	Optional<String> currentCopyVersion(DatabaseServer server, String database) {
		String template = this.copies.asMap().remove(server.name() + "/" + database);
		Slot slot = slot(server);
		Ready ready = slot.ready;
		if (template == null || ready == null || !template.equals(ready.name())) {
			return Optional.empty();
		}
		if (template.equals(DatabaseNames.template(this.prefix, checksum()))) {
			return Optional.of(ready.version());
		}
		slot.ready = null;
		return Optional.empty();
	}

	/**
	 * The server refused a copy of its template, counted: a template that is gone is built again at once; one the
	 * server refused for another reason (in use, say) is looked at again after {@code retry-after}.
	 */
	void refused(DatabaseServer server, String template, SQLException ex) {
		this.refused.increment();
		Slot slot = slot(server);
		if (UNDEFINED_DATABASE.equals(ex.getSQLState())) {
			// Dropped under this replica: by a replica of a newer project schema (it drops older templates), or by
			// hand. Nothing to wait for: waiting retry-after would only send the creates meanwhile down the slow path.
			log.info("Template {} on {} is gone; building it again", template, server.name());
			slot.ready = null;
			buildSoon(server, slot);
			return;
		}
		log.warn("Creating a database from template {} on {} failed ({}, SQLSTATE {}); using the normal path",
				template, server.name(), ex.getMessage(), ex.getSQLState());
		slot.failed(this.retryAfter);
	}

	/**
	 * Makes the server's template ready, now, and returns its name: finds it sealed, or builds it (dropping a
	 * half-built one first), then drops the templates of older schema versions. Empty when another replica is at
	 * it (this one looks again after {@code retry-after}); throws {@link ProvisioningException} when the build fails.
	 */
	Optional<String> ensure(DatabaseServer server) {
		Slot slot = slot(server);
		try {
			String name = DatabaseNames.template(this.prefix, checksum());
			String version;
			try (Connection admin = server.connections().openAdmin()) {
				if (!lock(admin, "pg_try_advisory_lock")) {
					log.info("Another replica is preparing the project-schema template on {}", server.name());
					slot.failed(this.retryAfter);
					return Optional.empty();
				}
				try {
					Map<String, Found> templates = templates(admin);
					Found found = templates.remove(name);
					version = (found != null) ? found.version() : null;
					if (version == null) {
						if (found != null) {
							log.warn("Template {} on {} was left half-built; building it again", name, server.name());
							drop(admin, name);
						}
						version = build(admin, server, name);
					}
					for (Map.Entry<String, Found> other : templates.entrySet()) {
						if (other.getValue().olderThan(version)) {
							log.info("Dropping template {} of an older project-schema version on {}", other.getKey(),
									server.name());
							drop(admin, other.getKey());
						}
					}
				}
				finally {
					lock(admin, "pg_advisory_unlock");
				}
			}
			Ready ready = slot.ready;
			if (ready == null || !name.equals(ready.name())) {
				log.info("New project databases on {} are copies of template {} (schema version {})", server.name(),
						name, version);
			}
			slot.ready = new Ready(name, version);
			return Optional.of(name);
		}
		catch (SQLException ex) {
			slot.failed(this.retryAfter);
			throw new ProvisioningException("Preparing the project-schema template on " + server.name() + " failed: "
					+ ex.getMessage() + " (SQLSTATE " + ex.getSQLState() + ")", ex);
		}
		catch (RuntimeException ex) {
			slot.failed(this.retryAfter);
			throw ex;
		}
	}

	/**
	 * CREATE DATABASE, the migrations, their verification, the version as the database's comment (readable without
	 * connecting to it), then the seal; a failed build is dropped. Returns the version.
	 */
	private String build(Connection admin, DatabaseServer server, String name) throws SQLException {
		String quoted = DatabaseNames.quoteTemplate(name);
		execute(admin, "CREATE DATABASE " + quoted);
		try {
			Flyway flyway = ProjectSchemas.flyway(this.schema, server, name);
			String version = ProjectDatabaseLogs.quietly(() -> {
				flyway.migrate();
				// The applied migrations' checksums must be the current ones, and nothing may be left to apply.
				ValidateResult validation = flyway.validateWithResult();
				MigrationInfoService info = flyway.info();
				if (!validation.validationSuccessful || info.pending().length > 0 || info.current() == null
						|| info.current().getVersion() == null) {
					throw new FlywayException("the migrated template does not validate: "
							+ validation.getAllErrorMessages());
				}
				return info.current().getVersion().getVersion();
			});
			if (!VERSION.matcher(version).matches()) {
				throw new FlywayException("unexpected schema version " + version);
			}
			execute(admin, "COMMENT ON DATABASE " + quoted + " IS '" + version + "'");
			execute(admin, "ALTER DATABASE " + quoted + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
			return version;
		}
		catch (FlywayException ex) {
			drop(admin, name);
			throw new ProvisioningException("Building template " + name + " on " + server.name() + " failed: "
					+ ProjectSchemas.oneLine(ex.getMessage()), ex);
		}
		catch (SQLException | RuntimeException ex) {
			drop(admin, name);
			throw ex;
		}
	}

	/**
	 * The managed templates on the server (of any schema version), each with its recorded version when it is
	 * sealed; a template without both is half-built.
	 */
	private Map<String, Found> templates(Connection admin) throws SQLException {
		Map<String, Found> templates = new LinkedHashMap<>();
		try (PreparedStatement query = admin.prepareStatement("SELECT datname, CASE WHEN datistemplate AND NOT "
				+ "datallowconn THEN shobj_description(oid, 'pg_database') END FROM pg_database WHERE starts_with(datname, ?)")) {
			query.setString(1, this.prefix);
			try (ResultSet result = query.executeQuery()) {
				while (result.next()) {
					if (DatabaseNames.isTemplate(this.prefix, result.getString(1))) {
						templates.put(result.getString(1), new Found(result.getString(2)));
					}
				}
			}
		}
		return templates;
	}

	/** A template found on the server: its version, null unless it is sealed with one. */
	private record Found(String version) {

		/**
		 * Whether this template is of no use to replicas at {@code current}: half-built (a crash left it), or of an
		 * older schema version. One of a newer version, or of the same version built from other migration files,
		 * belongs to replicas running other migrations (a rolling upgrade): dropping it would only make them build
		 * it again, and drop this one in turn.
		 */
		boolean olderThan(String current) {
			return this.version == null
					|| MigrationVersion.fromVersion(this.version).compareTo(MigrationVersion.fromVersion(current)) < 0;
		}

	}

	/** A sealed template and the schema version its copies are at. */
	private record Ready(String name, String version) {
	}

	/** A template cannot be dropped while it is one; {@code FORCE} ends a crashed build's sessions. */
	private static void drop(Connection admin, String name) throws SQLException {
		String quoted = DatabaseNames.quoteTemplate(name);
		try {
			execute(admin, "ALTER DATABASE " + quoted + " IS_TEMPLATE false");
		}
		catch (SQLException ex) {
			if (UNDEFINED_DATABASE.equals(ex.getSQLState())) {
				return;
			}
			throw ex;
		}
		execute(admin, "DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)");
	}

	private static void execute(Connection admin, String sql) throws SQLException {
		try (Statement statement = admin.createStatement()) {
			statement.execute(sql);
		}
	}

	/** Keyed by the prefix too: registries with other prefixes on the server have templates of their own. */
	private boolean lock(Connection admin, String function) throws SQLException {
		try (PreparedStatement lock = admin.prepareStatement("SELECT " + function + "(?, hashtext(?))")) {
			lock.setInt(1, LOCK_CLASS);
			lock.setString(2, this.prefix);
			try (ResultSet result = lock.executeQuery()) {
				return result.next() && result.getBoolean(1);
			}
		}
	}

	/**
	 * The first 8 hex digits of a SHA-256 over the history table's name and every SQL file of the locations, by file
	 * name and content: the same on every replica that has the same migrations, whether they sit in a jar or a
	 * directory. {@code filesystem:} locations are read every time (files may be added while the service runs).
	 */
	String checksum() {
		List<MigrationFile> files = new ArrayList<>(classpathFiles());
		this.schema.locations()
			.stream()
			.filter(location -> location.startsWith("filesystem:"))
			.forEach(location -> files.addAll(read(pattern(location))));
		files.sort(Comparator.comparing(MigrationFile::name));
		MessageDigest digest = sha256();
		digest.update(this.schema.historyTable().getBytes(StandardCharsets.UTF_8));
		for (MigrationFile file : files) {
			digest.update((byte) 0);
			digest.update(file.name().getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(file.digest());
		}
		return HexFormat.of().formatHex(digest.digest()).substring(0, 8);
	}

	private List<MigrationFile> classpathFiles() {
		List<MigrationFile> files = this.classpathFiles;
		if (files == null) {
			files = this.schema.locations()
				.stream()
				.filter(location -> !location.startsWith("filesystem:"))
				.flatMap(location -> read(pattern(location)).stream())
				.toList();
			this.classpathFiles = files;
		}
		return files;
	}

	private static List<MigrationFile> read(String pattern) {
		try {
			List<MigrationFile> files = new ArrayList<>();
			for (Resource resource : new PathMatchingResourcePatternResolver(ProjectTemplates.class.getClassLoader())
				.getResources(pattern)) {
				try (InputStream content = resource.getInputStream()) {
					files.add(new MigrationFile(resource.getFilename(), sha256().digest(content.readAllBytes())));
				}
			}
			return files;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Reading the project-schema migrations (" + pattern + ") failed", ex);
		}
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A Flyway location as a Spring resource pattern of its SQL files, subdirectories included. */
	private static String pattern(String location) {
		if (location.startsWith("filesystem:")) {
			return "file:" + location.substring("filesystem:".length()) + "/**/*.sql";
		}
		String path = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
		return "classpath*:" + path.replaceFirst("^/", "") + "/**/*.sql";
	}

	/** One migration file: its name and the SHA-256 of its content. */
	private record MigrationFile(String name, byte[] digest) {
	}

	private Slot slot(DatabaseServer server) {
		return this.slots.computeIfAbsent(server.name(), name -> new Slot());
	}

	@Override
	public void destroy() {
		this.builder.shutdownNow();
	}

	/** What this replica knows of one server's template. */
	private static final class Slot {

		/** The sealed template; null until one is found or built, and after a failure. */
		volatile Ready ready;

		/** {@link System#nanoTime()} before which no new build is started. */
		volatile long notBefore = System.nanoTime();

		final AtomicBoolean building = new AtomicBoolean();

		void failed(Duration retryAfter) {
			this.ready = null;
			this.notBefore = System.nanoTime() + retryAfter.toNanos();
		}

	}

}
