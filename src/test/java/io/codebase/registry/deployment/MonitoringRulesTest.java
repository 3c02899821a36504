package io.codebase.registry.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.codebase.registry.deployment.Manifests.list;
import static io.codebase.registry.deployment.Manifests.map;
import static io.codebase.registry.deployment.Manifests.readYaml;
import static io.codebase.registry.deployment.Manifests.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules and the Grafana dashboard of the chart, checked by Prometheus' own promtool: the rules are valid
 * and every alert fires on its unit-test series and stays quiet on the others; every dashboard query is valid
 * PromQL; every alert is documented. {@link MetricsScrapeTest} checks that their series exist in a real scrape.
 */
class MonitoringRulesTest {

	private static final Path ALERTS_DOC = Path.of("docs/alerts.md");

	@Test
	void promtoolAcceptsTheRules() {
		Promtool.Result result = Promtool.run(null, "check", "rules", MonitoringFiles.RULES.toString());

		assertThat(result.exitCode()).as(result.toString()).isZero();
		assertThat(result.output()).as(result.toString()).contains("SUCCESS: " + alerts().size() + " rules found");
	}

	@Test
	void everyAlertFiresOnItsTestSeriesAndStaysQuietOnOthers() {
		Promtool.Result result = Promtool.run(null, "test", "rules", MonitoringFiles.RULE_TESTS.toString());
		assertThat(result.exitCode()).as(result.toString()).isZero();

		// Each alert has a case where it fires and one where it must not.
		Map<String, Set<Boolean>> tested = new LinkedHashMap<>();
		for (Map<String, Object> test : list(readYaml(MonitoringFiles.RULE_TESTS), "tests")) {
			for (Map<String, Object> evaluation : list(test, "alert_rule_test")) {
				tested.computeIfAbsent(text(evaluation, "alertname"), name -> new HashSet<>())
					.add(!list(evaluation, "exp_alerts").isEmpty());
			}
		}
		for (String alert : alerts().keySet()) {
			assertThat(tested.get(alert)).as("test cases of %s (firing: true, quiet: false)", alert)
				.containsExactlyInAnyOrder(true, false);
		}
		assertThat(alerts().keySet()).containsAll(tested.keySet());
	}

	@Test
	void everyAlertHasASeverityASummaryAndARunbookSectionInDocsAlerts() throws IOException {
		String doc = Files.readString(ALERTS_DOC);
		for (Map.Entry<String, Map<String, Object>> alert : alerts().entrySet()) {
			String name = alert.getKey();
			assertThat(map(alert.getValue(), "labels")).as(name).containsKey("severity");
			Map<String, Object> annotations = map(alert.getValue(), "annotations");
			assertThat(annotations).as(name).containsKeys("summary", "description");
			assertThat(annotations).as(name).containsEntry("runbook", "docs/alerts.md#" + name.toLowerCase(Locale.ROOT));
			// A GitHub-style anchor: the heading is the alert's name.
			assertThat(doc).as("section of %s in %s", name, ALERTS_DOC).contains("\n### " + name + "\n");
		}
	}

	@Test
	void everyDashboardQueryIsValidPromQl(@TempDir Path temp) throws IOException {
		List<Map<String, Object>> rules = new ArrayList<>();
		List<String> queries = dashboardQueries();
		for (int i = 0; i < queries.size(); i++) {
			rules.add(Map.of("record", "dashboard:query_" + i, "expr", queries.get(i)));
		}
		Path file = temp.resolve("dashboard-queries.yaml");
		Files.writeString(file, new Yaml().dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));

		Promtool.Result result = Promtool.run(null, "check", "rules", file.toString());

		assertThat(result.exitCode()).as(result.toString()).isZero();
		assertThat(queries).hasSizeGreaterThan(20);
	}

	@Test
	void dashboardIsOneSelfContainedGrafanaDashboard() throws IOException {
		JsonNode dashboard = dashboard();
		assertThat(dashboard.get("uid").asString()).isEqualTo("project-registry");
		Set<Integer> ids = new HashSet<>();
		for (JsonNode panel : dashboard.get("panels")) {
			assertThat(ids.add(panel.get("id").asInt())).as("unique panel id %s", panel.get("id")).isTrue();
			if (!"row".equals(panel.get("type").asString())) {
				// The data source is chosen when the dashboard is imported, not hard-coded.
				assertThat(panel.get("datasource").get("uid").asString()).as(panel.get("title").asString())
					.isEqualTo("${datasource}");
				assertThat(panel.get("targets")).as(panel.get("title").asString()).isNotEmpty();
			}
		}
	}

	/** The alerting rules by name. */
	static Map<String, Map<String, Object>> alerts() {
		Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
		for (Map<String, Object> group : list(readYaml(MonitoringFiles.RULES), "groups")) {
			for (Map<String, Object> rule : list(group, "rules")) {
				alerts.put(text(rule, "alert"), rule);
			}
		}
		return alerts;
	}

	/**
	 * The dashboard's PromQL queries, with Grafana's variables replaced by what they stand for: every job and
	 * instance, and a rate interval.
	 */
	static List<String> dashboardQueries() throws IOException {
		List<String> queries = new ArrayList<>();
		JsonNode dashboard = dashboard();
		for (JsonNode panel : dashboard.get("panels")) {
			if (panel.has("targets")) {
				panel.get("targets").forEach(target -> queries.add(target.get("expr").asString()));
			}
		}
		for (JsonNode variable : dashboard.get("templating").get("list")) {
			if ("query".equals(variable.get("type").asString())) {
				// label_values(<series selector>, <label>) is Grafana's, around a PromQL selector.
				queries.add(variable.get("query").get("query").asString().replaceAll("^label_values\\((.*), \\w+\\)$", "$1"));
			}
		}
		return queries.stream()
			.map(query -> query.replace("$__rate_interval", "5m").replace("$job", ".+").replace("$instance", ".+"))
			.toList();
	}

	private static JsonNode dashboard() throws IOException {
		return JsonMapper.builder().build().readTree(Files.readString(MonitoringFiles.DASHBOARD));
	}

}
