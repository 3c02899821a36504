package io.codebase.registry.deployment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.codebase.registry.support.ApiResponse;
import io.codebase.registry.support.ApiTest;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.RegistryClient;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;

import static io.codebase.registry.support.Json.object;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real scrape of {@code /actuator/prometheus} after some traffic: {@code promtool check metrics} finds no problem
 * in it, and every series the alert rules and the dashboard select is in it.
 */
@ApiTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsScrapeTest {

	private final RegistryClient api;

	private final Projects projects;

	@Autowired
	ApplicationContext context;

	/** The scrape after {@link #traffic()}. */
	private String scrape;

	MetricsScrapeTest(RegistryClient api, Projects projects) {
		this.api = api;
		this.projects = projects;
	}

	/** What users do: create, read (cached), resolve, a refused create, and a repair by the reconciler. */
	@BeforeAll
	void traffic() {
		JsonNode project = this.projects.ready("scrape");
		for (int i = 0; i < 2; i++) {
			assertThat(this.api.getProject(project.get("id").asString()).status()).isEqualTo(200);
		}
		assertThat(this.api.resolve(Map.of("project", project.get("name").asString())).status()).isEqualTo(200);
		assertThat(this.api.createProject(object("name", "")).status()).isEqualTo(400);

		// A database dropped behind the registry's back: the reconciler marks its project FAILED (a repair).
		JsonNode lost = this.projects.ready("scrape-lost");
		TestDatabase.get().execute("DROP DATABASE " + lost.get("databaseName").asString());
		ApiResponse run = this.api.post("/api/v1/reconciliation?kind=MISSING_DATABASE", null);
		assertThat(run.status()).as(run.toString()).isEqualTo(200);

		this.scrape = scrape();
	}

	@Test
	void promtoolFindsNoProblemInTheScrape() {
		Promtool.Result result = Promtool.run(this.scrape, "check", "metrics");

		assertThat(result.exitCode()).as(result.toString()).isZero();
		assertThat(result.output()).as(result.toString()).isBlank();
	}

	@Test
	void everySeriesTheAlertsSelectExistsAndEveryMetricTheDashboardReadsToo() throws IOException {
		List<PromQl.Sample> samples = PromQl.samples(this.scrape);

		// Alerts: the exact series, label values included (registered at zero, they exist before any failure).
		List<String> missing = new ArrayList<>();
		for (Map.Entry<String, Map<String, Object>> alert : MonitoringRulesTest.alerts().entrySet()) {
			for (PromQl.Selector selector : PromQl.selectors(alert.getValue().get("expr").toString())) {
				if (samples.stream().noneMatch(selector::matches)) {
					missing.add(alert.getKey() + ": " + selector);
				}
			}
		}
		// Panels: the metric and every label they filter or group by (a panel may show nothing until, say, a failure).
		for (String query : MonitoringRulesTest.dashboardQueries()) {
			for (PromQl.Selector selector : PromQl.selectors(query)) {
				boolean found = samples.stream()
					.anyMatch(sample -> sample.metric().equals(selector.metric()) && selector.matchers().stream()
						.allMatch(matcher -> sample.labels().containsKey(matcher.label())));
				if (!found) {
					missing.add("dashboard: " + selector + " in " + query);
				}
			}
		}
		assertThat(missing).as("selectors without a series in the scrape").isEmpty();
	}

	@Test
	void readinessGaugeFollowsTheReadinessGroup() {
		assertThat(sample("registry_readiness")).isEqualTo(1);
		AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		try {
			assertThat(sample("registry_readiness")).isZero();
		}
		finally {
			AvailabilityChangeEvent.publish(this.context, ReadinessState.ACCEPTING_TRAFFIC);
		}
		assertThat(sample("registry_readiness")).isEqualTo(1);
		assertThat(sample("registry_dependencies")).isEqualTo(1);
	}

	private String scrape() {
		ApiResponse scrape = this.api.get("/actuator/prometheus");
		assertThat(scrape.status()).as(scrape.toString()).isEqualTo(200);
		return scrape.body();
	}

	private double sample(String metric) {
		String line = scrape().lines()
			.filter(each -> each.startsWith(metric + "{") || each.startsWith(metric + " "))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + metric + " in the scrape"));
		return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
	}

}
