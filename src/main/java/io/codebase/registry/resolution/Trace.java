package io.codebase.registry.resolution;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.codebase.registry.resolution.TraceEntry.Outcome;

/** The steps of one resolution, each timed from the end of the step before. */
final class Trace {

	private final List<TraceEntry> entries = new ArrayList<>();

	private long mark = System.nanoTime();

	void hit(Tier tier, String reason) {
		add(tier, Outcome.HIT, reason);
	}

	void miss(Tier tier, String reason) {
		add(tier, Outcome.MISS, reason);
	}

	void skipped(Tier tier, String reason) {
		add(tier, Outcome.SKIPPED, reason);
	}

	void error(Tier tier, String reason) {
		add(tier, Outcome.ERROR, reason);
	}

	/** Adds to the reason of the last step, e.g. what a project created by the tier that decided was placed on. */
	void explain(String more) {
		if (this.entries.isEmpty()) {
			return;
		}
		TraceEntry last = this.entries.remove(this.entries.size() - 1);
		this.entries.add(new TraceEntry(last.tier(), last.outcome(), last.reason() + "; " + more, last.micros()));
	}

	List<TraceEntry> entries() {
		return List.copyOf(this.entries);
	}

	private void add(Tier tier, Outcome outcome, String reason) {
		long now = System.nanoTime();
		this.entries.add(new TraceEntry(tier, outcome, reason, TimeUnit.NANOSECONDS.toMicros(now - this.mark)));
		this.mark = now;
	}

}
