package io.codebase.registry.project;

import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** Every {@code registry.sync} series exists from the start, at zero: alerts on failures have a series to watch. */
class RegistryWritesTest {

	@Test
	void everyOperationAndOutcomeIsRegisteredAtZeroBeforeAnyWrite() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		new RegistryWrites(new NoTransactions(), meters);

		for (SyncOperation operation : SyncOperation.values()) {
			for (String result : List.of("success", "rejected", "failure")) {
				var counter = meters.find("registry.sync").tags("operation", operation.tag(), "result", result).counter();
				assertThat(counter).as(operation.tag() + "/" + result).isNotNull();
				assertThat(counter.count()).isZero();
			}
		}
	}

	/** Construction starts no transaction; this one fails loudly if it ever does. */
	private static final class NoTransactions extends AbstractPlatformTransactionManager {

		@Override
		protected Object doGetTransaction() {
			throw new AssertionError("no transaction expected");
		}

		@Override
		protected void doBegin(Object transaction, org.springframework.transaction.TransactionDefinition definition) {
			throw new AssertionError("no transaction expected");
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			throw new AssertionError("no transaction expected");
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
			throw new AssertionError("no transaction expected");
		}

	}

}
