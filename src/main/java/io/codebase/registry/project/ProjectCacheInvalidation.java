package io.codebase.registry.project;

import java.util.UUID;

/**
 * What another package may do to this replica's project cache: the listener for PostgreSQL's change
 * notifications (package {@code coherence}) drives it. Nothing here fills the cache.
 */
public interface ProjectCacheInvalidation {

	/**
	 * A project row changed in a committed transaction, on any replica: drops the entries for its id and both
	 * names (either may be {@code null}: a create has no old name, a delete no new one).
	 */
	void invalidate(UUID id, String oldName, String newName);

	/**
	 * Drops every entry, and trusts cached answers again (everything cached from now on is freshly loaded). Called
	 * once {@code LISTEN} succeeded after a (re)connection, because whatever changed while nobody listened is never
	 * replayed.
	 */
	void invalidateAll();

	/**
	 * Change notifications may be missed from now on (the listener lost its connection). Cached entries are
	 * still answered, so that cached projects resolve while PostgreSQL is down, but marked as unconfirmed.
	 */
	void notificationsLost();

}
