package io.codebase.registry.project;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface ProjectRepository extends JpaRepository<Project, UUID> {

	Optional<Project> findByNameKey(String nameKey);

	boolean existsByNameKey(String nameKey);

	boolean existsByDatabaseName(String databaseName);

	List<Project> findByDatabaseNameIn(Collection<String> databaseNames);

	List<Project> findByIdInOrNameKeyIn(Collection<UUID> ids, Collection<String> nameKeys);

	/** Keyset pages over every project, in id order: a full scan that never reads a row twice or skips ahead. */
	@Query("SELECT p FROM Project p WHERE p.id > :after ORDER BY p.id")
	List<Project> findPageAfter(@Param("after") UUID after, Limit limit);

	/**
	 * Moves a project between provisioning states only if it is still in one of {@code from}; concurrent
	 * callers race on the row lock and exactly one sees 1. Bumps the version like any other write.
	 */
	@Modifying(flushAutomatically = true, clearAutomatically = true)
	@Query("""
			UPDATE Project p SET p.state = :to, p.lastError = :lastError, p.version = p.version + 1,
			       p.updatedAt = :now
			WHERE p.id = :id AND p.state IN :from""")
	int transition(@Param("id") UUID id, @Param("from") Collection<ProjectState> from, @Param("to") ProjectState to,
			@Param("lastError") String lastError, @Param("now") Instant now);

	/**
	 * The last step of provisioning: PROVISIONING to READY, with the schema version the database was migrated to
	 * (kept when the schema step did not run). Returns 0 when the project is no longer PROVISIONING.
	 */
	@Modifying(flushAutomatically = true, clearAutomatically = true)
	@Query("""
			UPDATE Project p SET p.state = io.codebase.registry.project.ProjectState.READY, p.lastError = NULL,
			       p.schemaVersion = COALESCE(:schemaVersion, p.schemaVersion), p.version = p.version + 1,
			       p.updatedAt = :now
			WHERE p.id = :id AND p.state = io.codebase.registry.project.ProjectState.PROVISIONING""")
	int markReady(@Param("id") UUID id, @Param("schemaVersion") String schemaVersion, @Param("now") Instant now);

	/** Records a schema version reached by a migration outside provisioning (a rollout); 0 when it is unchanged. */
	@Modifying(flushAutomatically = true, clearAutomatically = true)
	@Query("""
			UPDATE Project p SET p.schemaVersion = :schemaVersion, p.version = p.version + 1, p.updatedAt = :now
			WHERE p.id = :id AND (p.schemaVersion IS NULL OR p.schemaVersion <> :schemaVersion)""")
	int recordSchemaVersion(@Param("id") UUID id, @Param("schemaVersion") String schemaVersion,
			@Param("now") Instant now);

	/** The last step of a delete; 0 when a concurrent delete removed the row first. */
	@Modifying(flushAutomatically = true, clearAutomatically = true)
	@Query("DELETE FROM Project p WHERE p.id = :id AND p.state = io.codebase.registry.project.ProjectState.DELETING")
	int deleteDeleting(@Param("id") UUID id);

	boolean existsByServerAndDatabaseName(String server, String databaseName);

	/** Served by the state and updated-at indexes: a few rows out of millions. */
	@Query("""
			SELECT p FROM Project p WHERE p.id > :after AND (p.state IN :unsettled OR p.updatedAt >= :since)
			ORDER BY p.id""")
	List<Project> findChangedOrUnsettledAfter(@Param("after") UUID after, @Param("since") Instant since,
			@Param("unsettled") Collection<ProjectState> unsettled, Limit limit);

	@Query("SELECT p.databaseName FROM Project p WHERE p.server = :server AND p.databaseName IN :names")
	List<String> findRegisteredDatabaseNames(@Param("server") String server, @Param("names") Collection<String> names);

	List<Project> findByServerOrderByNameKey(String server, Limit limit);

	/**
	 * Step 1 of provisioning: the write-ahead row, in PROVISIONING. Returns 0 when the name (or, very rarely,
	 * the derived database name) is taken; concurrent inserts of one name wait for each other, so exactly one wins.
	 */
	@Modifying
	@Query(nativeQuery = true, value = """
			INSERT INTO projects (id, name, description, database_name, state, source_path, metadata, index_status,
			                      server)
			VALUES (:id, :name, :description, :databaseName, 'PROVISIONING', :sourcePath, CAST(:metadata AS jsonb),
			        :indexStatus, :server)
			ON CONFLICT DO NOTHING""")
	int insertProvisioning(@Param("id") UUID id, @Param("name") String name, @Param("description") String description,
			@Param("databaseName") String databaseName, @Param("sourcePath") String sourcePath,
			@Param("metadata") String metadata, @Param("indexStatus") String indexStatus, @Param("server") String server);

	/**
	 * Places a PROVISIONING project whose database was never created on another server (its server could not be
	 * reached); 0 when the project moved on meanwhile.
	 */
	@Modifying(flushAutomatically = true, clearAutomatically = true)
	@Query(nativeQuery = true, value = """
			UPDATE projects SET server = :to, updated_at = :now, version = version + 1
			 WHERE id = :id AND server = :from AND state = 'PROVISIONING'""")
	int replace(@Param("id") UUID id, @Param("from") String from, @Param("to") String to, @Param("now") Instant now);

	/**
	 * Marks a READY project on {@code server} as being cut over (its writes are about to freeze); 0 when it is not
	 * READY on that server. Marking it again keeps the first time and the version.
	 */
	@Modifying(flushAutomatically = true, clearAutomatically = true)
	@Query(nativeQuery = true, value = """
			UPDATE projects SET moving_since = coalesce(moving_since, :now), updated_at = :now,
			       version = version + CASE WHEN moving_since IS NULL THEN 1 ELSE 0 END
			 WHERE id = :id AND server = :server AND state = 'READY'""")
	int markMoving(@Param("id") UUID id, @Param("server") String server, @Param("now") Instant now);

	/** The switch of a move: the project's database is on {@code to} from now on; 0 when it is not on {@code from}. */
	@Modifying(flushAutomatically = true, clearAutomatically = true)
	@Query(nativeQuery = true, value = """
			UPDATE projects SET server = :to, moving_since = NULL, updated_at = :now, version = version + 1
			 WHERE id = :id AND server = :from""")
	int switchServer(@Param("id") UUID id, @Param("from") String from, @Param("to") String to, @Param("now") Instant now);

	/** A move rolled back: the project is reachable on its server again; 0 when it was not marked. */
	@Modifying(flushAutomatically = true, clearAutomatically = true)
	@Query(nativeQuery = true, value = """
			UPDATE projects SET moving_since = NULL, updated_at = :now, version = version + 1
			 WHERE id = :id AND moving_since IS NOT NULL""")
	int clearMoving(@Param("id") UUID id, @Param("now") Instant now);

}
