package io.codebase.registry.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

import javax.sql.DataSource;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes every project as JSON in a stable order (by name, then id), row by row from a server-side cursor:
 * memory stays flat however many projects there are. The output is importable as it is.
 */
@Service
class ExportService {

	static final int FETCH_SIZE = 500;

	private static final String QUERY = """
			SELECT id, name, description, database_name, state, index_status, source_path, metadata::text AS metadata,
			       server, created_at, updated_at
			FROM projects ORDER BY name_key, id""";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate readOnly;

	private final JsonMapper json;

	ExportService(DataSource dataSource, PlatformTransactionManager transactionManager, JsonMapper json) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.setFetchSize(FETCH_SIZE);
		this.readOnly = new TransactionTemplate(transactionManager);
		this.readOnly.setReadOnly(true);
		this.json = json;
	}

	void export(OutputStream out) {
		// PostgreSQL streams rows (instead of loading them all) only inside a transaction.
		this.readOnly.executeWithoutResult(status -> {
			try (JsonGenerator generator = this.json.createGenerator(out)) {
				generator.writeStartObject();
				generator.writeStringProperty("format", ImportFiles.EXPORT);
				generator.writeNumberProperty("version", 1);
				generator.writeStringProperty("exportedAt", Instant.now().toString());
				generator.writeArrayPropertyStart("projects");
				this.jdbc.query(QUERY, row -> {
					writeProject(generator, row);
				});
				generator.writeEndArray();
				generator.writeEndObject();
			}
		});
	}

	private static void writeProject(JsonGenerator generator, ResultSet row) throws SQLException {
		generator.writeStartObject();
		generator.writeStringProperty("id", row.getString("id"));
		generator.writeStringProperty("name", row.getString("name"));
		generator.writeStringProperty("description", row.getString("description"));
		generator.writeStringProperty("sourcePath", row.getString("source_path"));
		generator.writeName("metadata");
		generator.writeRawValue(row.getString("metadata"));
		generator.writeStringProperty("indexStatus", row.getString("index_status"));
		generator.writeStringProperty("databaseName", row.getString("database_name"));
		generator.writeStringProperty("state", row.getString("state"));
		generator.writeStringProperty("server", row.getString("server"));
		generator.writeStringProperty("createdAt", instant(row.getTimestamp("created_at")));
		generator.writeStringProperty("updatedAt", instant(row.getTimestamp("updated_at")));
		generator.writeEndObject();
	}

	private static String instant(Timestamp timestamp) {
		return timestamp.toInstant().toString();
	}

}
