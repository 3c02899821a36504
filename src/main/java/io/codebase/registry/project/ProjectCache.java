package io.codebase.registry.project;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Committed project rows by id and by name (invariant 2 of DESIGN.md).
 * <ul>
 * <li>Filled only by loads outside any transaction, which see committed state only; a read inside a
 * transaction might see its own uncommitted write, so it bypasses the cache.</li>
 * <li>Invalidated after commit, never before and never on rollback ({@link TransactionalEventListener}).</li>
 * <li>A load racing an invalidation cannot leave a stale entry: the load runs inside Caffeine's atomic
 * compute, and an invalidation of that key waits for the compute to finish, then removes its result.</li>
 * </ul>
 */
@Component
class ProjectCache {

	/** Keys of both kinds share one cache, so its statistics describe all project lookups. */
	sealed interface Key permits ById, ByName {

	}

	record ById(UUID id) implements Key {
	}

	record ByName(String nameKey) implements Key {

		static ByName of(String name) {
			return new ByName(name.toLowerCase(Locale.ROOT));
		}

	}

	private final Cache<Key, ProjectView> cache;

	/**
	 * {@code maximum-size: 0} must mean every read goes to PostgreSQL: Caffeine evicts asynchronously, so a
	 * size-0 cache still answers most reads under load.
	 */
	private final boolean enabled;

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
		return Optional.ofNullable(this.cache.get(key, k -> committedLoad.get().orElse(null)));
	}

	@TransactionalEventListener
	void onCommitted(ProjectChanged change) {
		this.cache.invalidate(new ById(change.id()));
		if (change.oldName() != null) {
			this.cache.invalidate(ByName.of(change.oldName()));
		}
		if (change.newName() != null) {
			this.cache.invalidate(ByName.of(change.newName()));
		}
	}

}
