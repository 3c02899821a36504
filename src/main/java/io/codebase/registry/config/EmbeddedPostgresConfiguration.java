package io.codebase.registry.config;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Starts a real PostgreSQL server (binaries from Maven Central) when no datasource URL is configured, so
 * {@code ./mvnw spring-boot:run} works on a machine with only a JDK. Its data directory survives restarts;
 * the server stops when the application context closes (after the pool that uses it).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedPostgresConfiguration {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

	/** The file in the data directory that the library locks while a server runs on it. */
	private static final String LOCK_FILE = "epg-lock";

	/** The server binaries zonky unpacks, one archive per platform (postgres-linux-x86_64.txz, ...). */
	private static final String BINARIES = "classpath*:postgres-*.txz";

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres(EmbeddedPostgresProperties properties) throws IOException, SQLException {
		requireBinaries();
		Files.createDirectories(properties.dataDirectory());
		EmbeddedPostgres.Builder builder = EmbeddedServerSettings.apply(EmbeddedPostgres.builder())
			.setDataDirectory(properties.dataDirectory())
			.setCleanDataDirectory(false)
			// Stopped by this bean's close() only, after everything that uses it (the beans that depend on it are
			// destroyed first). The library's own JVM shutdown hook would stop it in parallel with the
			// application's shutdown: the coherence listener lost its connection mid-stop, rollouts their database.
			.setRegisterShutdownHook(false)
			.setPGStartupWait(properties.startupTimeout());
		if (properties.port() != 0) {
			builder.setPort(properties.port());
		}
		EmbeddedPostgres postgres = start(builder, properties);
		createRegistryDatabaseIfMissing(postgres, properties.database());
		log.info("Embedded PostgreSQL listening on localhost:{}, data in {}", postgres.getPort(),
				properties.dataDirectory());
		return postgres;
	}

	/**
	 * The container image ships without the server binaries: there, no datasource URL is a configuration mistake, and
	 * it gets a message that says so instead of the library's failure to unpack a missing archive. Whatever source
	 * Spring reads the URL from counts (the entrypoint no longer checks a variable itself).
	 */
	private static void requireBinaries() throws IOException {
		if (new PathMatchingResourcePatternResolver().getResources(BINARIES).length == 0) {
			throw new IllegalStateException("""
					No registry database is configured (spring.datasource.url), and this build has no embedded \
					PostgreSQL (the container image leaves it out). Point the registry at a PostgreSQL 13+ database \
					through any of Spring's sources: SPRING_DATASOURCE_URL, --spring.datasource.url=..., \
					SPRING_APPLICATION_JSON, or a mounted Secret read with \
					spring.config.import=configtree:/path/ (a file named spring.datasource.url). See \
					docs/deployment.md.""");
		}
	}

	/**
	 * Starts the server after checking, in this application's terms, what another process may hold: the data
	 * directory (a second instance on it, where the library would say "could not lock") and a fixed port (where it
	 * would wait for its whole startup timeout). A process starting at the same moment still gets the library's error.
	 */
	private static EmbeddedPostgres start(EmbeddedPostgres.Builder builder, EmbeddedPostgresProperties properties)
			throws IOException {
		if (isLockedElsewhere(properties.dataDirectory().resolve(LOCK_FILE))) {
			throw EmbeddedPostgresConflictException.dataDirectoryInUse(properties.dataDirectory());
		}
		if (properties.port() != 0 && isTaken(properties.port())) {
			throw EmbeddedPostgresConflictException.portInUse(properties.port());
		}
		return builder.start();
	}

	/** Whether something listens on the port on loopback, where the server would bind it. */
	private static boolean isTaken(int port) throws IOException {
		try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return false;
		}
		catch (BindException ex) {
			return true;
		}
	}

	/** Whether another process, or another server in this one, holds the lock the library takes on a data directory. */
	private static boolean isLockedElsewhere(Path lockFile) throws IOException {
		if (!Files.exists(lockFile)) {
			return false;
		}
		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
			return lock == null;
		}
		catch (OverlappingFileLockException ex) {
			return true;
		}
	}

	/**
	 * What Spring Boot derives from {@code spring.datasource.*} otherwise: the pool below and whatever opens
	 * connections of its own (the coherence listener, the provisioner's project logins) read it from here.
	 */
	@Bean
	JdbcConnectionDetails jdbcConnectionDetails(EmbeddedPostgres postgres, EmbeddedPostgresProperties properties) {
		return new EmbeddedConnectionDetails(
				"jdbc:postgresql://localhost:" + postgres.getPort() + "/" + properties.database());
	}

	@Bean
	@ConfigurationProperties("spring.datasource.hikari")
	HikariDataSource dataSource(JdbcConnectionDetails connectionDetails) {
		return DataSourceBuilder.create()
			.type(HikariDataSource.class)
			.url(connectionDetails.getJdbcUrl())
			.username(connectionDetails.getUsername())
			.password(connectionDetails.getPassword())
			.build();
	}

	private static void createRegistryDatabaseIfMissing(EmbeddedPostgres postgres, String database)
			throws SQLException {
		if (!database.matches("[a-z][a-z0-9_]{0,62}")) {
			throw new IllegalArgumentException("registry.embedded.database must match [a-z][a-z0-9_]{0,62}");
		}
		DataSource admin = postgres.getPostgresDatabase();
		try (Connection connection = admin.getConnection();
				PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
			exists.setString(1, database);
			try (ResultSet result = exists.executeQuery(); Statement create = connection.createStatement()) {
				if (!result.next()) {
					// Validated above to [a-z][a-z0-9_]*, so the quoted identifier cannot be broken out of.
					create.execute("CREATE DATABASE \"" + database + "\"");
				}
			}
		}
	}

	/** The embedded server's URL and its superuser, which has no password. */
	private record EmbeddedConnectionDetails(String url) implements JdbcConnectionDetails {

		@Override
		public String getJdbcUrl() {
			return this.url;
		}

		@Override
		public String getUsername() {
			return "postgres";
		}

		@Override
		public String getPassword() {
			return "";
		}

	}

}
