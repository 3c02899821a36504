package io.codebase.registry.project;

/**
 * The registry writes counted in {@code registry.sync{operation,result}}, by their tag value. One operation is
 * counted once, at the write that completes it, however many transactions it takes.
 */
enum SyncOperation {

	CREATE("create"), UPDATE("update"), INDEX_STATUS("index-status"), PROVISION("provision"), DELETE("delete"),
	SCHEMA_VERSION("schema-version");

	private final String tag;

	SyncOperation(String tag) {
		this.tag = tag;
	}

	String tag() {
		return this.tag;
	}

}
