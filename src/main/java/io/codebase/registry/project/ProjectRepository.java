package io.codebase.registry.project;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface ProjectRepository extends JpaRepository<Project, UUID>, JpaSpecificationExecutor<Project> {

	Optional<Project> findByNameKey(String nameKey);

	boolean existsByNameKey(String nameKey);

	/**
	 * Step 1 of provisioning: the write-ahead row, in PROVISIONING. Returns 0 when the name (or, very rarely,
	 * the derived database name) is taken; concurrent inserts of one name wait for each other, so exactly one wins.
	 */
	@Modifying
	@Query(nativeQuery = true, value = """
			INSERT INTO projects (id, name, description, database_name, state, source_path, metadata)
			VALUES (:id, :name, :description, :databaseName, 'PROVISIONING', :sourcePath, CAST(:metadata AS jsonb))
			ON CONFLICT DO NOTHING""")
	int insertProvisioning(@Param("id") UUID id, @Param("name") String name, @Param("description") String description,
			@Param("databaseName") String databaseName, @Param("sourcePath") String sourcePath,
			@Param("metadata") String metadata);

}
