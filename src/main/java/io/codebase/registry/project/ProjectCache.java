package io.codebase.registry.project;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Committed project rows by id and by name (invariant 2, docs/architecture.md#reads-and-the-cache).
 * <ul>
 * <li>Filled only by loads outside any transaction, which see committed state only; a read inside a
 * transaction might see its own uncommitted write, so it bypasses the cache.</li>
 * <li>Invalidated after commit, never before and never on rollback ({@link TransactionalEventListener}).</li>
 * <li>A load racing an invalidation cannot leave a stale entry: the load runs inside Caffeine's atomic
 * compute, and an invalidation of that key waits for the compute to finish, then removes its result. A
 * clear does not wait for computes in flight, so a load that started before a clear drops its own result.</li>
 * <li>Invalidated on every other replica through {@link ProjectCacheInvalidation}, driven by PostgreSQL's change
 * notifications; cleared whenever they resume after a loss.</li>
 * </ul>
 */
@Component
class ProjectCache implements ProjectCacheInvalidation {

	/** Keys of both kinds share one cache, so its statistics describe all project lookups. */
	sealed interface Key permits ById, ByName {

	}

	record ById(UUID id) implements Key {
	}

	record ByName(String nameKey) implements Key {

		static ByName of(String name) {
			return new ByName(ProjectName.key(name));
		}

	}

	private final Cache<Key, ProjectView> cache;

	/**
	 * {@code maximum-size: 0} must mean every read goes to PostgreSQL: Caffeine evicts asynchronously, so a
	 * size-0 cache still answers most reads under load.
	 */
	private final boolean enabled;

	/** Counts clears; a load that sees it change may have read a row older than the clear. */
	private final AtomicLong generation = new AtomicLong();

	/** False while change notifications may be missed: cached answers are then unconfirmed. */
	private volatile boolean notificationsHeard = true;

	ProjectCache(CacheProperties properties, MeterRegistry meters) {
		this.enabled = properties.maximumSize() > 0;
		this.cache = Caffeine.newBuilder()
			.maximumSize(properties.maximumSize())
			.expireAfterWrite(properties.expireAfterWrite())
			.recordStats()
			.build();
		CaffeineCacheMetrics.monitor(meters, this.cache, "projects");
	}

	Optional<ProjectView> get(Key key, Supplier<Optional<ProjectView>> committedLoad) {
		if (!this.enabled || TransactionSynchronizationManager.isActualTransactionActive()) {
			return committedLoad.get();
		}
		long generation = this.generation.get();
		ProjectView value = this.cache.get(key, k -> committedLoad.get().orElse(null));
		if (this.generation.get() != generation) {
			this.cache.invalidate(key);
		}
		return Optional.ofNullable(value);
	}

	/**
	 * True when cached answers may be stale without anyone knowing: the cache is on and change notifications
	 * are not being heard (PostgreSQL unreachable, or the listener reconnecting).
	 */
	boolean unconfirmed() {
		return this.enabled && !this.notificationsHeard;
	}

	@TransactionalEventListener
	void onCommitted(ProjectChanged change) {
		invalidate(change.id(), change.oldName(), change.newName());
	}

	@Override
	public void invalidate(UUID id, String oldName, String newName) {
		this.cache.invalidate(new ById(id));
		if (oldName != null) {
			this.cache.invalidate(ByName.of(oldName));
		}
		if (newName != null) {
			this.cache.invalidate(ByName.of(newName));
		}
	}

	@Override
	public void invalidateAll() {
		this.generation.incrementAndGet();
		this.cache.invalidateAll();
		this.notificationsHeard = true;
	}

	@Override
	public void notificationsLost() {
		this.notificationsHeard = false;
	}

}
