package io.codebase.registry.project;

/** The indexing lifecycle that clients report for a project. */
public enum IndexStatus {

	NOT_INDEXED, INDEXING, INDEXED, FAILED

}
