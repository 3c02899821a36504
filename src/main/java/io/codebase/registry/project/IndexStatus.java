package io.codebase.registry.project;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The indexing lifecycle that clients report: NOT_INDEXED → INDEXING → INDEXED or FAILED. INDEXING may be
 * reported again (progress). An INDEXED or FAILED project goes back to INDEXING only through a reindex.
 */
public enum IndexStatus {

	NOT_INDEXED, INDEXING, INDEXED, FAILED;

	/** The statuses a client may report next. */
	public List<IndexStatus> reportable() {
		return switch (this) {
			case NOT_INDEXED -> List.of(INDEXING);
			case INDEXING -> List.of(INDEXING, INDEXED, FAILED);
			case INDEXED, FAILED -> List.of();
		};
	}

	boolean canReport(IndexStatus next) {
		return reportable().contains(next);
	}

	static String names(List<IndexStatus> statuses) {
		return statuses.isEmpty() ? "none (POST /reindex starts a new indexing)"
				: statuses.stream().map(Enum::name).collect(Collectors.joining(", "));
	}

}
