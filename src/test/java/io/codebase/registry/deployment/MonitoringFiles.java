package io.codebase.registry.deployment;

import java.nio.file.Path;

/** The alert rules and dashboard shipped in the chart, and the promtool unit tests of the rules. */
final class MonitoringFiles {

	static final Path RULES = HelmRunner.CHART.resolve("monitoring/prometheus-rules.yaml");

	static final Path DASHBOARD = HelmRunner.CHART.resolve("monitoring/grafana-dashboard.json");

	static final Path RULE_TESTS = Path.of("src/test/resources/monitoring/prometheus-rules-test.yaml");

	private MonitoringFiles() {
	}

}
