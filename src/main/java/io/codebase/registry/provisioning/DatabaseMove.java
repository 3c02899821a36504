package io.codebase.registry.provisioning;

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
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one database from a source server to a target server with PostgreSQL's built-in logical replication: a
 * publication {@code FOR ALL TABLES} in the source database, a subscription in the target database that copies
 * every table and then streams changes, a short write freeze for the cut-over, and no copier of our own.
 * <p>
 * Every phase is idempotent and keeps no state in this object: the publication, subscription and slot have one
 * name derived from the database name ({@link #replicationName}), and each phase reads the catalogs to see what
 * is already done. A caller that crashes between two phases (or inside one) calls the phase again, from a new
 * instance, and it resumes; {@link #rollBack} undoes every phase from any point.
 * <p>
 * The order is {@link #checkPrerequisites}, {@link #prepare}, {@link #publish}, {@link #subscribe},
 * {@link #awaitCaughtUp} (with {@link #progress} meanwhile), {@link #cutOver}; then the caller switches its
 * routing to the target, and calls {@link #cleanUp}. The caller creates the target database and applies the
 * same schema there; the schema's data, Flyway's history table included, is copied like every other table.
 */
public final class DatabaseMove {

	private static final Logger log = LoggerFactory.getLogger(DatabaseMove.class);

	/** Starts the name of every publication, subscription and slot of a move: what {@link #leftovers} looks for. */
	public static final String NAME_PREFIX = "registry_move_";

	private static final Pattern REPLICATION_NAME = Pattern.compile(NAME_PREFIX + "[0-9a-f]{16}");

	/** The slots PostgreSQL makes for a subscription's initial copy of one table: pg_{subscription}_sync_{table}_{system}. */
	private static final String TABLE_SYNC_SLOT_REGEX = "^pg_[0-9]+_sync_[0-9]+_[0-9]+$";

	private static final int MIN_SERVER_VERSION = 160000;

	private static final String INSUFFICIENT_PRIVILEGE = "42501";

	private static final String DUPLICATE_OBJECT = "42710";

	private static final String UNDEFINED_TABLE = "42P01";

	private static final String INVALID_CATALOG_NAME = "3D000";

	/** How often a cut-over looks again: it is part of the freeze. */
	private static final Duration FREEZE_POLL = Duration.ofMillis(20);

	/** How often the wait for the initial copy looks again. */
	private static final Duration COPY_POLL = Duration.ofMillis(200);

	/** How long a slot's walsender may take to go away before the slot can be dropped. */
	private static final Duration SLOT_RELEASE = Duration.ofSeconds(10);

	/** How long the freeze waits for one terminated backend to exit before looking again. */
	private static final int TERMINATE_WAIT_MILLIS = 1000;

	/** DDL on the source's tables waits this long for clients' locks, then fails rather than queue behind them. */
	private static final String LOCK_TIMEOUT = "SET lock_timeout = '10s'";

	private static final int MAX_DETAILS = 20;

	/**
	 * The tables a publication FOR ALL TABLES covers (and the partitioned parents of its leaves): every persistent
	 * table outside the system schemas. {@code c} is pg_class, {@code n} pg_namespace.
	 */
	private static final String USER_TABLE = "c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
			+ "'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

	private static final String USER_TABLES = " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
			+ USER_TABLE;

	private final ServerConnections source;

	private final ReplicationLogin login;

	private final ServerConnections target;

	private final String database;

	/** The publication's, the subscription's and the slot's name. */
	private final String name;

	/**
	 * @param source admin connections to the server that holds the database now
	 * @param login how the target server connects to the source for replication
	 * @param target admin connections to the server that receives it; the database must exist there
	 * @param databaseName a database name of managed shape, the same on both servers
	 */
	public DatabaseMove(ServerConnections source, ReplicationLogin login, ServerConnections target,
			String databaseName) {
		DatabaseNames.quote(databaseName);
		this.source = Objects.requireNonNull(source, "source");
		this.login = Objects.requireNonNull(login, "login");
		this.target = Objects.requireNonNull(target, "target");
		this.database = databaseName;
		this.name = replicationName(databaseName);
	}

	/**
	 * The move of a project database between two servers of the fleet: the target reaches the source with the
	 * source's own address and admin login, which needs the REPLICATION attribute ({@link #checkPrerequisites} says
	 * so when it lacks it).
	 */
	public static DatabaseMove between(DatabaseServer source, DatabaseServer target, String databaseName) {
		return new DatabaseMove(source.connections(), source.replicationLogin(), target.connections(), databaseName);
	}

	/**
	 * Checks the prerequisites of such a move before the target database exists: the target's side is checked in its
	 * configured (maintenance) database, where the same server settings and privileges apply.
	 *
	 * @throws DatabaseMoveException with reason PREREQUISITES, one detail per missing piece
	 */
	public static void checkPrerequisites(DatabaseServer source, DatabaseServer target, String databaseName) {
		ServerConnections targetConnections = target.connections();
		ServerConnections beforeTheDatabase = new ServerConnections() {

			@Override
			public Connection open(String database) throws SQLException {
				return targetConnections.openAdmin();
			}

			@Override
			public Connection openAdmin() throws SQLException {
				return targetConnections.openAdmin();
			}

		};
		new DatabaseMove(source.connections(), source.replicationLogin(), beforeTheDatabase, databaseName)
			.checkPrerequisites();
	}

	/**
	 * The name of a database's publication, subscription and slot: the prefix and 16 hex digits of the name's
	 * SHA-256. It is a plain identifier that needs no quoting and fits PostgreSQL's 63 characters whatever the
	 * database name's length; the catalogs say which database each object belongs to.
	 */
	public static String replicationName(String databaseName) {
		DatabaseNames.quote(databaseName);
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(databaseName.getBytes(StandardCharsets.UTF_8));
			return NAME_PREFIX + HexFormat.of().formatHex(hash, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	public String databaseName() {
		return this.database;
	}

	/** The publication's, the subscription's and the slot's name. */
	public String name() {
		return this.name;
	}

	// ---------------------------------------------------------------------------------------------------------
	// 1. Prerequisites

	/**
	 * Checks what logical replication needs on both servers, and names every missing piece at once: PostgreSQL 16
	 * or later; on the source {@code wal_level=logical}, the replication login (exists, may log in, has REPLICATION,
	 * may read every table), no unlogged table (they are not replicated), two free replication slots
	 * and WAL senders (one streams, one copies a table); on the target the right to create subscriptions, two free
	 * replication origins and a free logical replication worker. A move already subscribed holds its slot and
	 * origin, so those are not counted again. Creating a publication FOR ALL TABLES needs a superuser on the
	 * source; {@link #publish} reports that one, since managed services grant it through roles of their own.
	 *
	 * @throws DatabaseMoveException with reason PREREQUISITES, one detail per missing piece
	 */
	public void checkPrerequisites() {
		List<String> missing = new ArrayList<>();
		boolean subscribed;
		try (Connection connection = this.target.open(this.database)) {
			requireVersion(connection, "target", missing);
			subscribed = subscriptionExists(connection, this.name);
			if (!queryBoolean(connection, "SELECT rolsuper OR (pg_has_role(current_user, 'pg_create_subscription', "
					+ "'MEMBER') AND has_database_privilege(current_database(), 'CREATE')) FROM pg_roles "
					+ "WHERE rolname = current_user")) {
				missing.add("target: the admin login may not create subscriptions (it needs to be a superuser, or a "
						+ "member of pg_create_subscription with CREATE on the database)");
			}
			if (!subscribed) {
				long origins = queryLong(connection, "SELECT current_setting('max_replication_slots')::int "
						+ "- (SELECT count(*) FROM pg_replication_origin)");
				if (origins < 2) {
					missing.add("target: " + origins + " free replication origins (max_replication_slots="
							+ setting(connection, "max_replication_slots") + "); a move needs 2");
				}
			}
			long workers = queryLong(connection, "SELECT current_setting('max_logical_replication_workers')::int "
					+ "- (SELECT count(*) FROM pg_stat_subscription WHERE pid IS NOT NULL)");
			if (workers < 1 && !subscribed) {
				missing.add("target: no free logical replication worker (max_logical_replication_workers="
						+ setting(connection, "max_logical_replication_workers") + ")");
			}
		}
		catch (SQLException ex) {
			throw failed("checking the target server", ex);
		}
		try (Connection connection = this.source.open(this.database)) {
			requireVersion(connection, "source", missing);
			String walLevel = setting(connection, "wal_level");
			if (!"logical".equals(walLevel)) {
				missing.add("source: wal_level is " + walLevel
						+ "; logical replication needs wal_level=logical (a server setting: restart after changing it)");
			}
			checkReplicationLogin(connection, missing);
			for (String table : queryStrings(connection, "SELECT format('%I.%I', n.nspname, c.relname) " + USER_TABLES
					+ " AND c.relpersistence = 'u' ORDER BY 1")) {
				missing.add("source: unlogged table " + table + " is not replicated (ALTER TABLE ... SET LOGGED)");
			}
			if (!subscribed && !slotExists(connection, this.name)) {
				long slots = queryLong(connection, "SELECT current_setting('max_replication_slots')::int "
						+ "- (SELECT count(*) FROM pg_replication_slots)");
				if (slots < 2) {
					missing.add("source: " + slots + " free replication slots (max_replication_slots="
							+ setting(connection, "max_replication_slots") + "); a move needs 2");
				}
				long senders = queryLong(connection, "SELECT current_setting('max_wal_senders')::int "
						+ "- (SELECT count(*) FROM pg_stat_replication)");
				if (senders < 2) {
					missing.add("source: " + senders + " free WAL senders (max_wal_senders="
							+ setting(connection, "max_wal_senders") + "); a move needs 2");
				}
			}
		}
		catch (SQLException ex) {
			throw failed("checking the source server", ex);
		}
		if (!missing.isEmpty()) {
			throw new DatabaseMoveException(DatabaseMoveException.Reason.PREREQUISITES,
					"Database " + this.database + " cannot be moved with logical replication", missing);
		}
	}

	private void checkReplicationLogin(Connection connection, List<String> missing) throws SQLException {
		String user = this.login.user();
		try (PreparedStatement query = connection.prepareStatement(
				"SELECT rolcanlogin, rolreplication OR rolsuper FROM pg_roles WHERE rolname = ?")) {
			query.setString(1, user);
			try (ResultSet role = query.executeQuery()) {
				if (!role.next()) {
					missing.add("source: the replication login " + user + " does not exist");
					return;
				}
				if (!role.getBoolean(1)) {
					missing.add("source: the replication login " + user + " may not log in (LOGIN)");
				}
				if (!role.getBoolean(2)) {
					missing.add("source: the replication login " + user + " lacks the REPLICATION attribute");
				}
			}
		}
		try (PreparedStatement query = connection.prepareStatement("SELECT format('%I.%I', n.nspname, c.relname) "
				+ USER_TABLES + " AND c.relkind = 'r' AND NOT has_table_privilege(?, c.oid, 'SELECT') ORDER BY 1")) {
			query.setString(1, user);
			try (ResultSet tables = query.executeQuery()) {
				while (tables.next()) {
					missing.add("source: the replication login " + user + " may not read " + tables.getString(1)
							+ " (the initial copy reads every table)");
				}
			}
		}
	}

	private static void requireVersion(Connection connection, String server, List<String> missing)
			throws SQLException {
		if (queryLong(connection, "SELECT current_setting('server_version_num')::int") < MIN_SERVER_VERSION) {
			missing.add(server + ": PostgreSQL " + setting(connection, "server_version") + " is older than 16");
		}
	}

	// ---------------------------------------------------------------------------------------------------------
	// 2. The target's tables

	/**
	 * Checks that the target database has the source's tables with the same columns (logical replication matches
	 * tables and columns by name, and a missing one stops the copy for good), then gives every table without a
	 * primary key {@code REPLICA IDENTITY FULL} on both sides: once published, an UPDATE or DELETE on such a table
	 * would fail on the source, and the subscriber needs the whole old row to find the row to change. Last, grants
	 * the replication login CONNECT on the source database: project databases do not grant it to PUBLIC.
	 *
	 * @throws DatabaseMoveException with reason SCHEMA_MISMATCH naming each difference
	 */
	public void prepare() {
		Map<String, String> sourceTables;
		Map<String, String> targetTables;
		try (Connection connection = this.source.open(this.database)) {
			sourceTables = tables(connection);
		}
		catch (SQLException ex) {
			throw failed("reading the source's tables", ex);
		}
		try (Connection connection = this.target.open(this.database)) {
			targetTables = tables(connection);
		}
		catch (SQLException ex) {
			throw failed("reading the target's tables", ex);
		}
		List<String> differences = new ArrayList<>();
		for (String table : new TreeSet<>(union(sourceTables.keySet(), targetTables.keySet()))) {
			String columns = sourceTables.get(table);
			String targetColumns = targetTables.get(table);
			if (targetColumns == null) {
				differences.add("the target lacks table " + table);
			}
			else if (columns == null) {
				differences.add("the source lacks table " + table);
			}
			else if (!columns.equals(targetColumns)) {
				differences.add("table " + table + " has (" + columns + ") on the source, (" + targetColumns
						+ ") on the target");
			}
		}
		if (!differences.isEmpty()) {
			throw new DatabaseMoveException(DatabaseMoveException.Reason.SCHEMA_MISMATCH,
					"The target's tables differ from the source's in database " + this.database,
					differences.subList(0, Math.min(differences.size(), MAX_DETAILS)));
		}
		setFullReplicaIdentity(this.source, "source");
		setFullReplicaIdentity(this.target, "target");
		try (Connection connection = this.source.open(this.database); Statement statement = connection.createStatement()) {
			statement.execute(queryStrings(connection, "SELECT format('GRANT CONNECT ON DATABASE %I TO %I', "
					+ "current_database(), ?::text)", this.login.user()).get(0));
		}
		catch (SQLException ex) {
			throw failed("granting CONNECT on " + this.database + " to " + this.login.user(), ex);
		}
	}

	/** Table (quoted, qualified) to its columns and types, sorted by column name: replication matches by name. */
	private static Map<String, String> tables(Connection connection) throws SQLException {
		Map<String, String> tables = new LinkedHashMap<>();
		try (Statement query = connection.createStatement();
				ResultSet rows = query.executeQuery("SELECT format('%I.%I', n.nspname, c.relname), "
						+ "coalesce(string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' "
						+ "ORDER BY a.attname), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
						+ "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
						+ "WHERE " + USER_TABLE + " GROUP BY 1")) {
			while (rows.next()) {
				tables.put(rows.getString(1), rows.getString(2));
			}
		}
		return tables;
	}

	private static Collection<String> union(Collection<String> a, Collection<String> b) {
		List<String> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

	private void setFullReplicaIdentity(ServerConnections server, String side) {
		try (Connection connection = server.open(this.database); Statement statement = connection.createStatement()) {
			statement.execute(LOCK_TIMEOUT);
			for (String alter : queryStrings(connection, "SELECT format('ALTER TABLE %I.%I REPLICA IDENTITY FULL', "
					+ "n.nspname, c.relname) " + USER_TABLES + " AND c.relkind = 'r' AND (c.relreplident = 'n' OR "
					+ "(c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid "
					+ "AND i.indisprimary)))")) {
				statement.execute(alter);
				log.info("Database {} on the {}: {}", this.database, side, alter);
			}
		}
		catch (SQLException ex) {
			throw failed("setting REPLICA IDENTITY FULL on the " + side, ex);
		}
	}

	// ---------------------------------------------------------------------------------------------------------
	// 3. Publication and subscription

	/**
	 * Publishes every table of the source database: {@code FOR ALL TABLES}, so that no table is forgotten
	 * (Flyway's history table included) whoever owns it. Already published is done.
	 *
	 * @throws DatabaseMoveException with reason PREREQUISITES when the admin login may not publish all tables
	 */
	public void publish() {
		try (Connection connection = this.source.open(this.database); Statement statement = connection.createStatement()) {
			if (exists(connection, "SELECT 1 FROM pg_publication WHERE pubname = ?", this.name)) {
				return;
			}
			statement.execute("CREATE PUBLICATION " + this.name + " FOR ALL TABLES");
			log.info("Published database {} on the source as {}", this.database, this.name);
		}
		catch (SQLException ex) {
			if (DUPLICATE_OBJECT.equals(ex.getSQLState())) {
				return;
			}
			if (INSUFFICIENT_PRIVILEGE.equals(ex.getSQLState())) {
				throw new DatabaseMoveException(DatabaseMoveException.Reason.PREREQUISITES,
						"Database " + this.database + " cannot be published",
						List.of("source: the admin login may not create a publication FOR ALL TABLES: "
								+ ex.getMessage()), ex);
			}
			throw failed("CREATE PUBLICATION in " + this.database + " on the source", ex);
		}
	}

	/**
	 * Subscribes the target database to the publication: PostgreSQL copies every table (in a snapshot taken with
	 * the slot), then streams every change committed after it. The target's tables are emptied first, so that
	 * rows its own schema step wrote (Flyway's history) or an abandoned attempt copied are not duplicated, and a
	 * slot left by a CREATE SUBSCRIPTION that did not commit is dropped. Already subscribed is done. Without the
	 * source's publication nothing is emptied: a database that was moved and cleaned up, and serves clients now,
	 * is never truncated by a stray call.
	 */
	public void subscribe() {
		try (Connection connection = this.target.open(this.database); Statement statement = connection.createStatement()) {
			if (subscriptionExists(connection, this.name)) {
				return;
			}
			requirePublication();
			dropSourceSlots(false);
			List<String> tables = queryStrings(connection, "SELECT format('%I.%I', n.nspname, c.relname) " + USER_TABLES);
			if (!tables.isEmpty()) {
				statement.execute("TRUNCATE " + String.join(", ", tables));
			}
			// The apply worker commits with synchronous_commit=on, so the slot's confirmed position (what the
			// cut-over waits for) follows each applied commit at once rather than the WAL writer's next flush.
			statement.execute("CREATE SUBSCRIPTION " + this.name + " CONNECTION " + literal(this.login.conninfo(this.database))
					+ " PUBLICATION " + this.name + " WITH (slot_name = " + this.name
					+ ", copy_data = true, synchronous_commit = 'on')");
			log.info("Subscribed database {} on the target to the source as {}", this.database, this.name);
		}
		catch (SQLException ex) {
			throw failed("CREATE SUBSCRIPTION in " + this.database + " on the target", ex);
		}
	}

	private void requirePublication() {
		try (Connection connection = this.source.open(this.database)) {
			if (!exists(connection, "SELECT 1 FROM pg_publication WHERE pubname = ?", this.name)) {
				throw new DatabaseMoveException(DatabaseMoveException.Reason.FAILED,
						"Database " + this.database + " is not published on the source", List.of());
			}
		}
		catch (SQLException ex) {
			throw failed("looking up the publication of " + this.database + " on the source", ex);
		}
	}

	/** An escape-string literal: independent of standard_conforming_strings. */
	private static String literal(String value) {
		return "E'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
	}

	/**
	 * Where the copy stands: tables copied out of all, the COPY running now, sizes of both databases, and the
	 * replication lag in bytes of WAL (null before the slot exists).
	 */
	public Progress progress() {
		try (Connection targetConnection = this.target.open(this.database);
				Connection sourceConnection = this.source.open(this.database)) {
			return progress(targetConnection, sourceConnection);
		}
		catch (SQLException ex) {
			throw failed("reading the progress of moving " + this.database, ex);
		}
	}

	private Progress progress(Connection targetConnection, Connection sourceConnection) throws SQLException {
		boolean subscribed = subscriptionExists(targetConnection, this.name);
		long[] tables = queryLongs(targetConnection, "SELECT count(*), count(*) FILTER (WHERE r.srsubstate = 'r') "
				+ "FROM pg_subscription s JOIN pg_subscription_rel r ON r.srsubid = s.oid WHERE s.subname = ? "
				+ "AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())", this.name);
		long[] copying = queryLongs(targetConnection, "SELECT coalesce(sum(tuples_processed), 0), "
				+ "coalesce(sum(bytes_processed), 0) FROM pg_stat_progress_copy WHERE datname = current_database()");
		long[] errors = queryLongs(targetConnection, "SELECT coalesce(sum(apply_error_count), 0), "
				+ "coalesce(sum(sync_error_count), 0) FROM pg_stat_subscription_stats st JOIN pg_subscription s "
				+ "ON s.oid = st.subid WHERE s.subname = ? "
				+ "AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())", this.name);
		long targetBytes = queryLong(targetConnection, "SELECT pg_database_size(current_database())");
		try (PreparedStatement query = sourceConnection.prepareStatement("SELECT pg_database_size(current_database()), "
				+ "(SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots "
				+ "WHERE slot_name = ?)")) {
			query.setString(1, this.name);
			try (ResultSet row = query.executeQuery()) {
				row.next();
				long lag = row.getLong(2);
				return new Progress(subscribed, (int) tables[0], (int) tables[1], copying[0], copying[1], row.getLong(1),
						targetBytes, row.wasNull() ? null : lag, errors[0], errors[1]);
			}
		}
	}

	// ---------------------------------------------------------------------------------------------------------
	// 4. Catching up

	/**
	 * Waits until every table is copied and the lag is at most {@code maxLagBytes}: the point from which a
	 * cut-over's freeze is short.
	 *
	 * @throws DatabaseMoveException with reason TIMEOUT (and the last progress) when the deadline passes first
	 */
	public Progress awaitCaughtUp(long maxLagBytes, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try (Connection targetConnection = this.target.open(this.database);
				Connection sourceConnection = this.source.open(this.database)) {
			while (true) {
				Progress progress = progress(targetConnection, sourceConnection);
				if (!progress.subscribed()) {
					throw new DatabaseMoveException(DatabaseMoveException.Reason.FAILED,
							"Database " + this.database + " is not subscribed on the target", List.of());
				}
				if (progress.synced() && progress.lagBytes() != null && progress.lagBytes() <= maxLagBytes) {
					return progress;
				}
				if (System.nanoTime() - deadline > 0) {
					throw new DatabaseMoveException(DatabaseMoveException.Reason.TIMEOUT, "Database " + this.database
							+ " did not catch up within " + timeout, List.of(progress.toString()));
				}
				pause(COPY_POLL);
			}
		}
		catch (SQLException ex) {
			throw failed("waiting for " + this.database + " to catch up", ex);
		}
	}

	// ---------------------------------------------------------------------------------------------------------
	// 5. Cut-over

	/**
	 * Freezes writes on the source, waits until the target has every change, and copies the sequences' values
	 * (logical replication does not carry them). Then the target holds exactly what the source does, and stays so
	 * until the caller switches its routing: the freeze lasts until {@link #cleanUp} or {@link #rollBack}.
	 * <p>
	 * The freeze revokes CONNECT on the database from each login that writes and ends their sessions (their open
	 * transactions roll back). That stops writes for real, unlike {@code default_transaction_read_only}, which a
	 * session can turn off; and unlike {@code ALLOW_CONNECTIONS false} it keeps the database open to the admin
	 * and to the walsender, which must still deliver the last changes. A superuser, or a login that can still
	 * connect through PUBLIC or a role it belongs to, is refused before anything is revoked. Both connections are
	 * opened before the freeze begins, so it does not wait for a connection.
	 *
	 * @param roles every login that may write to the database
	 * @throws DatabaseMoveException FREEZE_INEFFECTIVE, or TIMEOUT when the target did not catch up in time
	 */
	public CutOver cutOver(Collection<String> roles, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try (Connection sourceConnection = this.source.open(this.database);
				Connection targetConnection = this.target.open(this.database)) {
			long start = System.nanoTime();
			int terminated = freeze(sourceConnection, roles.toArray(String[]::new), deadline);
			long frozen = System.nanoTime();
			awaitZeroLag(sourceConnection, deadline, timeout);
			long caughtUp = System.nanoTime();
			int sequences = copySequences(sourceConnection, targetConnection);
			long end = System.nanoTime();
			CutOver cutOver = new CutOver(Duration.ofNanos(frozen - start), Duration.ofNanos(caughtUp - frozen),
					Duration.ofNanos(end - caughtUp), Duration.ofNanos(end - start), terminated, sequences);
			log.info("Database {} cut over to the target: {}", this.database, cutOver);
			return cutOver;
		}
		catch (SQLException ex) {
			if (UNDEFINED_TABLE.equals(ex.getSQLState())) {
				throw new DatabaseMoveException(DatabaseMoveException.Reason.SCHEMA_MISMATCH,
						"The target lacks a sequence of the source in " + this.database, List.of(ex.getMessage()), ex);
			}
			throw failed("cutting " + this.database + " over", ex);
		}
	}

	private int freeze(Connection connection, String[] logins, long deadline) throws SQLException {
		List<String> superusers = queryStrings(connection,
				"SELECT rolname FROM pg_roles WHERE rolname = ANY (?) AND rolsuper ORDER BY 1", (Object) logins);
		if (!superusers.isEmpty()) {
			throw new DatabaseMoveException(DatabaseMoveException.Reason.FREEZE_INEFFECTIVE, "Cannot freeze "
					+ this.database, superusers.stream().map(role -> "login " + role + " is a superuser").toList());
		}
		try (Statement statement = connection.createStatement()) {
			for (String revoke : queryStrings(connection, "SELECT format('REVOKE CONNECT ON DATABASE %I FROM %I', "
					+ "current_database(), rolname) FROM pg_roles WHERE rolname = ANY (?)", (Object) logins)) {
				statement.execute(revoke);
			}
		}
		List<String> stillAllowed = queryStrings(connection, "SELECT rolname FROM pg_roles WHERE rolname = ANY (?) "
				+ "AND has_database_privilege(oid, current_database(), 'CONNECT') ORDER BY 1", (Object) logins);
		if (!stillAllowed.isEmpty()) {
			throw new DatabaseMoveException(DatabaseMoveException.Reason.FREEZE_INEFFECTIVE, "Cannot freeze "
					+ this.database, stillAllowed.stream().map(role -> "login " + role
							+ " can still connect through PUBLIC or a role it belongs to").toList());
		}
		return terminate(connection, logins, deadline);
	}

	/**
	 * Ends the logins' sessions until none is left. PostgreSQL shows a new session in {@code pg_stat_activity} only
	 * at the end of its start-up, well after its CONNECT check, so a session that passed the check just before the
	 * revoke can be invisible to a look. But from before that check until after it is listed, the starting backend
	 * holds a lock on its database: a look counts only once nobody holds that lock, and then a look that ends no
	 * session means none is left, however slow a start-up is.
	 */
	private int terminate(Connection connection, String[] logins, long deadline) throws SQLException {
		int terminated = 0;
		try (PreparedStatement starting = connection.prepareStatement("SELECT count(*) FROM pg_locks "
				+ "WHERE locktype = 'object' AND classid = 'pg_database'::regclass AND objid = "
				+ "(SELECT oid FROM pg_database WHERE datname = current_database()) AND pid <> pg_backend_pid()");
				PreparedStatement end = connection.prepareStatement("SELECT count(pg_terminate_backend(pid, "
						+ TERMINATE_WAIT_MILLIS + ")) FROM pg_stat_activity WHERE datname = current_database() "
						+ "AND usename = ANY (?) AND pid <> pg_backend_pid()")) {
			end.setArray(1, connection.createArrayOf("text", logins));
			while (true) {
				if (System.nanoTime() - deadline > 0) {
					throw new DatabaseMoveException(DatabaseMoveException.Reason.TIMEOUT,
							"Sessions of " + String.join(", ", logins) + " on " + this.database + " did not end", List.of());
				}
				boolean startingSessions = count(starting) > 0;
				int ended = count(end);
				terminated += ended;
				if (!startingSessions && ended == 0) {
					return terminated;
				}
				pause(FREEZE_POLL);
			}
		}
	}

	private static int count(PreparedStatement query) throws SQLException {
		try (ResultSet row = query.executeQuery()) {
			row.next();
			return row.getInt(1);
		}
	}

	/** Waits until the slot has confirmed every change the source had committed when the wait began. */
	private void awaitZeroLag(Connection connection, long deadline, Duration timeout) throws SQLException {
		String end = flushedEnd(connection);
		try (PreparedStatement query = connection.prepareStatement("SELECT pg_wal_lsn_diff(confirmed_flush_lsn, "
				+ "?::pg_lsn) >= 0 FROM pg_replication_slots WHERE slot_name = ?")) {
			query.setString(1, end);
			query.setString(2, this.name);
			while (true) {
				try (ResultSet row = query.executeQuery()) {
					if (!row.next()) {
						throw new DatabaseMoveException(DatabaseMoveException.Reason.FAILED,
								"The source has no replication slot " + this.name + " for " + this.database, List.of());
					}
					if (row.getBoolean(1)) {
						return;
					}
				}
				if (System.nanoTime() - deadline > 0) {
					throw new DatabaseMoveException(DatabaseMoveException.Reason.TIMEOUT, "The target did not receive "
							+ "the last changes to " + this.database + " (up to " + end + ") within " + timeout, List.of());
				}
				pause(FREEZE_POLL);
			}
		}
	}

	/**
	 * Flushes the source's WAL through every commit so far and returns the position after them. A client may commit
	 * with {@code synchronous_commit} off (PostgreSQL's embedded servers default to it): its answer comes back while
	 * the commit is still in the WAL buffers, behind {@code pg_current_wal_lsn()} and unseen by the walsender, which
	 * streams only flushed WAL. A transaction of our own that writes WAL (an xid alone does not make its commit wait)
	 * and commits with {@code synchronous_commit} on flushes the WAL up to its commit record, which follows every
	 * earlier commit.
	 */
	private static String flushedEnd(Connection connection) throws SQLException {
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET LOCAL synchronous_commit = on");
			statement.execute("CREATE TEMPORARY TABLE registry_move_flush () ON COMMIT DROP");
			connection.commit();
		}
		finally {
			connection.setAutoCommit(true);
		}
		return queryStrings(connection, "SELECT pg_current_wal_lsn()::text").get(0);
	}

	/**
	 * Sets each of the target's sequences to the source's last value ({@code pg_sequences.last_value} may be ahead
	 * of the last value handed out, never behind), so new rows on the target do not collide. A sequence never used
	 * on the source is left as it is.
	 */
	private static int copySequences(Connection sourceConnection, Connection targetConnection) throws SQLException {
		Map<String, Long> values = new LinkedHashMap<>();
		try (Statement query = sourceConnection.createStatement();
				ResultSet rows = query.executeQuery("SELECT format('%I.%I', schemaname, sequencename), last_value "
						+ "FROM pg_sequences WHERE last_value IS NOT NULL AND schemaname NOT LIKE 'pg\\_temp%'")) {
			while (rows.next()) {
				values.put(rows.getString(1), rows.getLong(2));
			}
		}
		try (PreparedStatement setval = targetConnection.prepareStatement("SELECT setval(?::regclass, ?, true)")) {
			for (Map.Entry<String, Long> sequence : values.entrySet()) {
				setval.setString(1, sequence.getKey());
				setval.setLong(2, sequence.getValue());
				setval.execute();
			}
		}
		return values.size();
	}

	// ---------------------------------------------------------------------------------------------------------
	// 6. Clean-up and rollback

	/**
	 * After the switch: drops the subscription on the target and the publication and slots on the source. Each
	 * side is tried even if the other fails; a repeated call finishes what is left (a source that was unreachable,
	 * say). The source database itself is the caller's to keep or drop; its writers stay frozen out.
	 */
	public void cleanUp() {
		runBoth(this::dropTargetSubscription, () -> dropSourceObjects(List.of()));
	}

	/**
	 * Undoes every phase from any point: gives the logins CONNECT on the source database back, and drops the
	 * subscription, publication and slots. The target database is the caller's to drop, afterwards (PostgreSQL
	 * does not drop a database that holds a subscription).
	 */
	public void rollBack(Collection<String> roles) {
		runBoth(this::dropTargetSubscription, () -> dropSourceObjects(roles));
	}

	private void runBoth(Runnable targetSide, Runnable sourceSide) {
		DatabaseMoveException first = null;
		for (Runnable side : List.of(targetSide, sourceSide)) {
			try {
				side.run();
			}
			catch (DatabaseMoveException ex) {
				if (first == null) {
					first = ex;
				}
				else {
					first.addSuppressed(ex);
				}
			}
		}
		if (first != null) {
			throw first;
		}
	}

	private void dropTargetSubscription() {
		try (Connection connection = this.target.open(this.database)) {
			dropSubscription(connection, this.name);
		}
		catch (SQLException ex) {
			if (!INVALID_CATALOG_NAME.equals(ex.getSQLState())) {
				throw failed("dropping the subscription of " + this.database + " on the target", ex);
			}
		}
	}

	private void dropSourceObjects(Collection<String> unfreeze) {
		try (Connection connection = this.source.open(this.database); Statement statement = connection.createStatement()) {
			for (String grant : queryStrings(connection, "SELECT format('GRANT CONNECT ON DATABASE %I TO %I', "
					+ "current_database(), rolname) FROM pg_roles WHERE rolname = ANY (?)",
					(Object) unfreeze.toArray(String[]::new))) {
				statement.execute(grant);
			}
			statement.execute("DROP PUBLICATION IF EXISTS " + this.name);
		}
		catch (SQLException ex) {
			if (!INVALID_CATALOG_NAME.equals(ex.getSQLState())) {
				throw failed("dropping the publication of " + this.database + " on the source", ex);
			}
		}
		dropSourceSlots(true);
	}

	/** The move's slot on the source, and with {@code tableSync} the slots of unfinished table copies. */
	private void dropSourceSlots(boolean tableSync) {
		try (Connection connection = this.source.openAdmin();
				PreparedStatement query = connection.prepareStatement("SELECT slot_name FROM pg_replication_slots "
						+ "WHERE database = ? AND (slot_name = ? OR (? AND slot_name ~ '" + TABLE_SYNC_SLOT_REGEX + "'))")) {
			query.setString(1, this.database);
			query.setString(2, this.name);
			query.setBoolean(3, tableSync);
			for (String slot : queryStrings(query)) {
				dropSlot(connection, slot);
			}
		}
		catch (SQLException ex) {
			throw failed("dropping the replication slots of " + this.database + " on the source", ex);
		}
	}

	/**
	 * Drops a subscription and, through it, its slot on the source. When the source cannot be reached (or refuses),
	 * the subscription is detached from its slot and dropped anyway; the slot is then dropped on the source later
	 * ({@link #cleanUp} again, or the reconciler through {@link #leftovers}).
	 */
	private static void dropSubscription(Connection connection, String name) throws SQLException {
		if (!subscriptionExists(connection, name)) {
			return;
		}
		try (Statement statement = connection.createStatement()) {
			try {
				statement.execute("DROP SUBSCRIPTION " + name);
			}
			catch (SQLException ex) {
				log.warn("Dropping subscription {} did not drop its slot on the source ({}); detaching it from the slot",
						name, ex.getMessage());
				statement.execute("ALTER SUBSCRIPTION " + name + " DISABLE");
				statement.execute("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
				statement.execute("DROP SUBSCRIPTION " + name);
			}
		}
	}

	/** Drops a slot, ending the walsender that still holds it (a subscription dropped without reaching us). */
	private static void dropSlot(Connection connection, String slot) throws SQLException {
		long deadline = System.nanoTime() + SLOT_RELEASE.toNanos();
		try (PreparedStatement terminate = connection.prepareStatement("SELECT pg_terminate_backend(active_pid, "
				+ TERMINATE_WAIT_MILLIS + ") FROM pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL");
				PreparedStatement drop = connection.prepareStatement("SELECT pg_drop_replication_slot(slot_name) "
						+ "FROM pg_replication_slots WHERE slot_name = ?")) {
			terminate.setString(1, slot);
			drop.setString(1, slot);
			while (true) {
				terminate.execute();
				try {
					drop.execute();
					log.info("Dropped replication slot {}", slot);
					return;
				}
				catch (SQLException ex) {
					// 55006: the walsender had not quite gone yet.
					if (!"55006".equals(ex.getSQLState()) || System.nanoTime() - deadline > 0) {
						throw ex;
					}
				}
				pause(FREEZE_POLL);
			}
		}
	}

	// ---------------------------------------------------------------------------------------------------------
	// Leftovers

	/**
	 * The moves' objects on a server: subscriptions and slots named with {@link #NAME_PREFIX}, the slots of
	 * unfinished table copies in the given databases, and the publications in the given databases (publications
	 * live inside a database, so only the databases named are searched; one that does not exist is skipped).
	 */
	public static List<Leftover> leftovers(ServerConnections server, Collection<String> databases) {
		List<Leftover> leftovers = new ArrayList<>();
		String[] names = databases.toArray(String[]::new);
		try (Connection connection = server.openAdmin()) {
			try (PreparedStatement query = connection.prepareStatement("SELECT s.subname, d.datname FROM pg_subscription s "
					+ "JOIN pg_database d ON d.oid = s.subdbid WHERE starts_with(s.subname, ?) ORDER BY 2, 1")) {
				query.setString(1, NAME_PREFIX);
				collect(query, Leftover.Kind.SUBSCRIPTION, leftovers);
			}
			try (PreparedStatement query = connection.prepareStatement("SELECT slot_name, database FROM pg_replication_slots "
					+ "WHERE starts_with(slot_name, ?) OR (slot_name ~ '" + TABLE_SYNC_SLOT_REGEX + "' AND database = ANY (?)) "
					+ "ORDER BY 2, 1")) {
				query.setString(1, NAME_PREFIX);
				query.setArray(2, connection.createArrayOf("text", names));
				collect(query, Leftover.Kind.SLOT, leftovers);
			}
		}
		catch (SQLException ex) {
			throw failed("listing replication objects on " + server, ex);
		}
		for (String database : names) {
			try (Connection connection = server.open(database);
					PreparedStatement query = connection.prepareStatement("SELECT pubname, current_database() "
							+ "FROM pg_publication WHERE starts_with(pubname, ?) ORDER BY 1")) {
				query.setString(1, NAME_PREFIX);
				collect(query, Leftover.Kind.PUBLICATION, leftovers);
			}
			catch (SQLException ex) {
				if (!INVALID_CATALOG_NAME.equals(ex.getSQLState())) {
					throw failed("listing publications in " + database + " on " + server, ex);
				}
			}
		}
		return leftovers;
	}

	/** Drops one of the {@link #leftovers}; one already gone is fine. */
	public static void drop(ServerConnections server, Leftover leftover) {
		boolean tableSync = leftover.kind() == Leftover.Kind.SLOT && leftover.name().matches(TABLE_SYNC_SLOT_REGEX);
		if (!tableSync && !REPLICATION_NAME.matcher(leftover.name()).matches()) {
			throw new IllegalArgumentException("Not a replication object of a move: " + leftover.name());
		}
		try (Connection connection = (leftover.kind() == Leftover.Kind.SLOT) ? server.openAdmin()
				: server.open(leftover.database()); Statement statement = connection.createStatement()) {
			switch (leftover.kind()) {
				case SUBSCRIPTION -> dropSubscription(connection, leftover.name());
				case PUBLICATION -> statement.execute("DROP PUBLICATION IF EXISTS " + leftover.name());
				case SLOT -> dropSlot(connection, leftover.name());
			}
		}
		catch (SQLException ex) {
			if (!INVALID_CATALOG_NAME.equals(ex.getSQLState())) {
				throw failed("dropping " + leftover, ex);
			}
		}
	}

	private static void collect(PreparedStatement query, Leftover.Kind kind, List<Leftover> into) throws SQLException {
		try (ResultSet rows = query.executeQuery()) {
			while (rows.next()) {
				into.add(new Leftover(kind, rows.getString(1), rows.getString(2)));
			}
		}
	}

	// ---------------------------------------------------------------------------------------------------------
	// Catalog helpers

	private static boolean subscriptionExists(Connection connection, String name) throws SQLException {
		return exists(connection, "SELECT 1 FROM pg_subscription WHERE subname = ? "
				+ "AND subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())", name);
	}

	private static boolean slotExists(Connection connection, String name) throws SQLException {
		return exists(connection, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", name);
	}

	private static boolean exists(Connection connection, String sql, String parameter) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement(sql)) {
			query.setString(1, parameter);
			try (ResultSet row = query.executeQuery()) {
				return row.next();
			}
		}
	}

	private static String setting(Connection connection, String name) throws SQLException {
		return queryStrings(connection, "SELECT current_setting(?)", name).get(0);
	}

	private static boolean queryBoolean(Connection connection, String sql) throws SQLException {
		try (Statement query = connection.createStatement(); ResultSet row = query.executeQuery(sql)) {
			return row.next() && row.getBoolean(1);
		}
	}

	private static long queryLong(Connection connection, String sql) throws SQLException {
		return queryLongs(connection, sql)[0];
	}

	/** The first row's columns as longs. */
	private static long[] queryLongs(Connection connection, String sql, String... parameters) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				query.setString(i + 1, parameters[i]);
			}
			try (ResultSet row = query.executeQuery()) {
				row.next();
				long[] values = new long[row.getMetaData().getColumnCount()];
				for (int i = 0; i < values.length; i++) {
					values[i] = row.getLong(i + 1);
				}
				return values;
			}
		}
	}

	/** The first column of every row; a {@code String[]} parameter is bound as a text array. */
	private static List<String> queryStrings(Connection connection, String sql, Object... parameters)
			throws SQLException {
		try (PreparedStatement query = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				if (parameters[i] instanceof String[] array) {
					query.setArray(i + 1, connection.createArrayOf("text", array));
				}
				else {
					query.setObject(i + 1, parameters[i]);
				}
			}
			return queryStrings(query);
		}
	}

	private static List<String> queryStrings(PreparedStatement query) throws SQLException {
		try (ResultSet rows = query.executeQuery()) {
			List<String> values = new ArrayList<>();
			while (rows.next()) {
				values.add(rows.getString(1));
			}
			return values;
		}
	}

	private static void pause(Duration interval) {
		try {
			Thread.sleep(interval.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DatabaseMoveException(DatabaseMoveException.Reason.FAILED, "Interrupted", List.of(), ex);
		}
	}

	private static DatabaseMoveException failed(String what, SQLException ex) {
		return new DatabaseMoveException(DatabaseMoveException.Reason.FAILED,
				what + " failed: " + ex.getMessage() + " (SQLSTATE " + ex.getSQLState() + ")", List.of(), ex);
	}

	/**
	 * Where a move's copy stands.
	 *
	 * @param subscribed whether the target's subscription exists
	 * @param tables tables the subscription copies
	 * @param tablesReady tables copied and streaming (state {@code r})
	 * @param copyingRows rows read so far by the table copies running now
	 * @param copyingBytes bytes read so far by the table copies running now
	 * @param sourceBytes the source database's size
	 * @param targetBytes the target database's size
	 * @param lagBytes WAL the source has written that the target has not confirmed; null before the slot exists
	 * @param applyErrors errors applying changes on the target since the subscription began (each is retried)
	 * @param syncErrors errors copying tables
	 */
	public record Progress(boolean subscribed, int tables, int tablesReady, long copyingRows, long copyingBytes,
			long sourceBytes, long targetBytes, Long lagBytes, long applyErrors, long syncErrors) {

		/** Every table copied: changes stream from here on. */
		public boolean synced() {
			return this.subscribed && this.tablesReady == this.tables;
		}

	}

	/**
	 * What a cut-over took. The write freeze began with {@code freezing} and lasts until the caller switches.
	 *
	 * @param freezing revoking CONNECT and ending the writers' sessions
	 * @param catchingUp waiting for the target to confirm the source's last change
	 * @param sequences copying the sequences' values
	 * @param total the three together: the freeze so far
	 * @param sessionsEnded sessions of the writers that were ended
	 * @param sequencesCopied sequences set on the target
	 */
	public record CutOver(Duration freezing, Duration catchingUp, Duration sequences, Duration total,
			int sessionsEnded, int sequencesCopied) {
	}

	/** A publication, subscription or replication slot of a move found on a server, in a database. */
	public record Leftover(Kind kind, String name, String database) {

		public enum Kind {

			PUBLICATION, SUBSCRIPTION, SLOT

		}

	}

}
