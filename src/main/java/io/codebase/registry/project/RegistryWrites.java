package io.codebase.registry.project;

import java.util.function.Predicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;

/**
 * Runs every registry write in its own transaction and counts it in {@code registry.sync{operation,result}}.
 * A write that fails is an error to the caller, never a warning (invariant 1). {@code success} is counted
 * after the commit and after its cache invalidations ran; {@code rejected} is a client error that wrote
 * nothing; {@code failure} is a write the database did not take.
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
		return commit(operation, write, result -> false);
	}

	/**
	 * Like {@link #commit(String, TransactionCallback)}, for writes that find out inside their transaction that
	 * they are refused (a name already taken) and say so in their result: such a result is counted as rejected.
	 */
	<T> T commit(String operation, TransactionCallback<T> write, Predicate<? super T> refused) {
		T result;
		try {
			result = this.transactions.execute(write);
		}
		catch (ErrorResponseException ex) {
			count(operation, ex.getStatusCode().is4xxClientError() ? "rejected" : "failure");
			throw ex;
		}
		catch (RuntimeException ex) {
			count(operation, "failure");
			throw ex;
		}
		count(operation, refused.test(result) ? "rejected" : "success");
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
