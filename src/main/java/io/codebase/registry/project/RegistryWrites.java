package io.codebase.registry.project;

import java.util.List;

import io.codebase.registry.problem.RegistryException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs every registry write in its own transaction and counts it in {@code registry.sync{operation,result}}.
 * A write that fails is an error to the caller, never a warning (invariant 1, docs/architecture.md#invariants). {@code success} is counted
 * after the commit and after its cache invalidations ran; {@code rejected} is a request the registry refused
 * ({@link RegistryException#isRefusal()}), which wrote nothing; {@code failure} is a write the database did not take.
 * Every series is registered at zero at start, so that a {@code rate()} alert on failures has something to watch
 * before the first one happens.
 */
@Component
class RegistryWrites {

	private final TransactionTemplate transactions;

	private final MeterRegistry meters;

	private static final List<String> RESULTS = List.of("success", "rejected", "failure");

	RegistryWrites(PlatformTransactionManager transactionManager, MeterRegistry meters) {
		this.transactions = new TransactionTemplate(transactionManager);
		this.meters = meters;
		for (SyncOperation operation : SyncOperation.values()) {
			RESULTS.forEach(result -> counter(operation, result));
		}
	}

	/** The write that completes {@code operation}: its outcome is counted. */
	<T> T commit(SyncOperation operation, TransactionCallback<T> write) {
		T result = step(operation, write);
		counter(operation, "success").increment();
		return result;
	}

	/**
	 * A write on the way to completing {@code operation} (a delete marks DELETING before it drops the database):
	 * a refusal or failure ends the operation and is counted; its success is not, the completing write is.
	 */
	<T> T step(SyncOperation operation, TransactionCallback<T> write) {
		try {
			return this.transactions.execute(write);
		}
		catch (RegistryException ex) {
			counter(operation, ex.isRefusal() ? "rejected" : "failure").increment();
			throw ex;
		}
		catch (RuntimeException ex) {
			counter(operation, "failure").increment();
			throw ex;
		}
	}

	private Counter counter(SyncOperation operation, String result) {
		return Counter.builder("registry.sync")
			.description("Registry writes by outcome: committed and reflected in the cache, rejected, or failed")
			.tag("operation", operation.tag())
			.tag("result", result)
			.register(this.meters);
	}

}
