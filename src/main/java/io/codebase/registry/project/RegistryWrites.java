package io.codebase.registry.project;

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
 */
@Component
class RegistryWrites {

	private final TransactionTemplate transactions;

	private final MeterRegistry meters;

	RegistryWrites(PlatformTransactionManager transactionManager, MeterRegistry meters) {
		this.transactions = new TransactionTemplate(transactionManager);
		this.meters = meters;
	}

	<T> T commit(String operation, TransactionCallback<T> write) {
		T result;
		try {
			result = this.transactions.execute(write);
		}
		catch (RegistryException ex) {
			count(operation, ex.isRefusal() ? "rejected" : "failure");
			throw ex;
		}
		catch (RuntimeException ex) {
			count(operation, "failure");
			throw ex;
		}
		count(operation, "success");
		return result;
	}

	private void count(String operation, String result) {
		Counter.builder("registry.sync")
			.description("Registry writes by outcome: committed and reflected in the cache, rejected, or failed")
			.tag("operation", operation)
			.tag("result", result)
			.register(this.meters)
			.increment();
	}

}
