package io.codebase.registry.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.marcnuri.helm.LintResult;
import io.codebase.registry.fleet.FleetProperties;
import io.codebase.registry.security.Role;
import io.codebase.registry.security.SecurityProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.FileSystemUtils;
import org.springframework.util.unit.DataSize;

import static io.codebase.registry.deployment.HelmRunner.FULLNAME;
import static io.codebase.registry.deployment.HelmRunner.NAMESPACE;
import static io.codebase.registry.deployment.HelmRunner.RELEASE;
import static io.codebase.registry.deployment.Manifests.at;
import static io.codebase.registry.deployment.Manifests.has;
import static io.codebase.registry.deployment.Manifests.list;
import static io.codebase.registry.deployment.Manifests.map;
import static io.codebase.registry.deployment.Manifests.named;
import static io.codebase.registry.deployment.Manifests.readYaml;
import static io.codebase.registry.deployment.Manifests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code helm lint} and {@code helm template} on helm/project-registry (through helm-java, no helm binary), and the
 * rendered manifests checked against the application's own configuration.
 */
class HelmChartTest {

	private static final Path ALL_ON = Path.of("src/test/resources/helm/values-all-on.yaml");

	private static final Path FLEET = Path.of("src/test/resources/helm/values-fleet.yaml");

	/** One API key: the least a release needs to render (and start). */
	private static final Path MINIMAL = Path.of("src/test/resources/helm/values-minimal.yaml");

	/** Helm hooks: the `helm test` pod and the migration Job. */
	private static final List<String> HOOKS = List.of("Pod", "Job");

	/** The ConfigMap of the Grafana dashboard, beside the one of the settings. */
	private static final String DASHBOARD = FULLNAME + "-dashboard";

	private static final Map<String, String> STANDARD_LABELS = Map.of(
			"app.kubernetes.io/name", "project-registry",
			"app.kubernetes.io/instance", RELEASE,
			"app.kubernetes.io/component", "api",
			"app.kubernetes.io/part-of", "codebase-mcp",
			"app.kubernetes.io/managed-by", "Helm");

	private static final Map<String, String> SELECTOR_LABELS = Map.of(
			"app.kubernetes.io/name", "project-registry",
			"app.kubernetes.io/instance", RELEASE);

	private static final List<String> DATASOURCE_VARIABLES = List.of("SPRING_DATASOURCE_URL",
			"SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD");

	private static final List<String> PROVISIONING_VARIABLES = List.of("REGISTRY_PROVISIONING_URL",
			"REGISTRY_PROVISIONING_USERNAME", "REGISTRY_PROVISIONING_PASSWORD");

	@Test
	void applicationServesTheActuatorPathsTheChartProbes() {
		// The probe paths below are Spring Boot's fixed paths for the health groups, which exist only when probes
		// are enabled, under the default base path, on server.port (no separate management port).
		assertThat(ApplicationSettings.property("management.endpoint.health.probes.enabled")).isEqualTo(true);
		assertThat(ApplicationSettings.property("management.endpoints.web.base-path")).isNull();
		assertThat(ApplicationSettings.property("management.server.port")).isNull();
		assertThat(ApplicationSettings.property("server.servlet.context-path")).isNull();
		assertThat(ApplicationSettings.serverPort()).isEqualTo(8080);
		assertThat(ApplicationSettings.listProperty("management.endpoints.web.exposure.include"))
			.contains("health", "prometheus");
		// Neither probe depends on PostgreSQL: a failover must neither restart pods nor take them all out of the
		// Service (the cached projects they can still serve would reach nobody). The database and the listener are
		// a health group of their own, for people and alerts.
		assertThat(ApplicationSettings.listProperty("management.endpoint.health.group.readiness.include"))
			.containsExactly("readinessState");
		assertThat(ApplicationSettings.listProperty("management.endpoint.health.group.dependencies.include"))
			.containsExactly("db", "coherence");
		assertThat(ApplicationSettings.listProperty("management.endpoint.health.group.liveness.include"))
			.contains("livenessState")
			.doesNotContain("db");
	}

	/** Every value combination the tests above rendered, against the Kubernetes schemas (tools/kubernetes). */
	@AfterAll
	static void everyRenderingIsValidAgainstTheKubernetesSchemas() {
		String report = HelmRunner.validateEveryRendering();
		assertThat(report).contains("0 problems");
	}

	@Test
	void theSchemaValidatorFindsWhatTheApiServerWouldRefuse() {
		Map<String, Object> deployment = new LinkedHashMap<>(HelmRunner.template(MINIMAL, Map.of()).one("Deployment"));
		Map<String, Object> broken = Map.of("name", "broken", "manifests", List.of(Map.of("apiVersion", "apps/v1",
				"kind", "Deployment", "metadata", Map.of("name", "x"), "spec", Map.of("replicas", "three",
						"selector", at(deployment, "spec", "selector"), "template", at(deployment, "spec", "template")))));
		assertThatThrownBy(() -> HelmRunner.validateAgainstKubernetesSchemas(List.of(broken)))
			.hasMessageContaining("broken: Deployment x: data/spec/replicas must be integer");
	}

	@Test
	void lintPassesInStrictModeWithDefaultValuesTheSmallestValuesAndEveryOptionOn(@TempDir Path temp)
			throws IOException {
		// Lint mode turns the templates' fail into a warning-free no-op, so the defaults (which refuse to render, see
		// withoutKeysTheChartRefusesToRender...) lint clean too.
		assertLintPasses(HelmRunner.CHART);
		assertLintPasses(chartWithValues(temp.resolve("minimal"), MINIMAL));
		assertLintPasses(chartWithValues(temp.resolve("all-on"), ALL_ON));
	}

	/**
	 * helm-java's lint takes no values file, so lint a copy of the chart whose values.yaml is the defaults overlaid
	 * with the file, which is what {@code helm lint -f file} checks.
	 */
	private static Path chartWithValues(Path directory, Path valuesFile) throws IOException {
		Path chart = directory.resolve("project-registry");
		FileSystemUtils.copyRecursively(HelmRunner.CHART, chart);
		Map<String, Object> values = deepMerge(readYaml(HelmRunner.CHART.resolve("values.yaml")), readYaml(valuesFile));
		Files.writeString(chart.resolve("values.yaml"), new Yaml().dump(values));
		return chart;
	}

	@Test
	void defaultValuesRenderOneSingleReplicaServiceWithItsOwnSecret() {
		Manifests manifests = HelmRunner.template(MINIMAL, Map.of());

		assertThat(manifests.kinds()).containsExactly("ConfigMap", "Deployment", "Pod", "Secret", "Service",
				"ServiceAccount");
		assertCommonWiring(manifests, "0.1.0");

		Map<String, Object> deployment = manifests.one("Deployment");
		assertThat(text(deployment, "spec", "replicas")).isEqualTo("1");
		assertThat(text(container(deployment), "image")).isEqualTo("project-registry:0.1.0");
		Map<String, Object> config = map(manifests.one("ConfigMap"), "data");
		assertThat(config).containsEntry("REGISTRY_SESSIONS_ALLOWED_ROOTS", "/workspace")
			.containsEntry("REGISTRY_CACHE_MAXIMUM_SIZE", "10000")
			.containsEntry("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE", "30s");
		// Every memory area of the JVM has a ceiling inside the limit, and request = limit (docs/benchmarks.md#memory).
		assertThat(text(config, "JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=40", "-XX:MaxMetaspaceSize=",
				"-XX:ReservedCodeCacheSize=", "-XX:MaxDirectMemorySize=", "-XX:+ExitOnOutOfMemoryError");
		assertThat(at(container(deployment), "resources", "requests", "memory"))
			.isEqualTo(at(container(deployment), "resources", "limits", "memory"));
		// The reconciler's and the project schema's defaults are the application's own: orphans are never dropped
		// unless an operator says so.
		assertThat(config).containsEntry("REGISTRY_RECONCILIATION_ENABLED", "true")
			.containsEntry("REGISTRY_RECONCILIATION_INTERVAL", "60s")
			.containsEntry("REGISTRY_RECONCILIATION_MISSING_DATABASE", "MARK_FAILED")
			.containsEntry("REGISTRY_RECONCILIATION_RETRY_FAILED", "false")
			.containsEntry("REGISTRY_RECONCILIATION_DROP_ORPHANS", "false")
			.containsEntry("REGISTRY_RECONCILIATION_ORPHAN_GRACE_PERIOD", "24h")
			.containsEntry("REGISTRY_PROVISIONING_SCHEMA_LOCATIONS", "classpath:project-db/migration");
		assertThat(envNames(deployment)).doesNotContainAnyElementsOf(PROVISIONING_VARIABLES);
		assertThat(text(manifests.one("Secret"), "stringData", "SPRING_DATASOURCE_URL"))
			.startsWith("jdbc:postgresql://");
	}

	@Test
	void everyOptionOnAddsAutoscalerDisruptionBudgetServiceMonitorAndProvisioningSettings() {
		Manifests manifests = HelmRunner.template(ALL_ON, Map.of());

		assertThat(manifests.kinds()).containsExactly("ConfigMap", "ConfigMap", "Deployment", "HorizontalPodAutoscaler",
				"Ingress", "NetworkPolicy", "Pod", "PodDisruptionBudget", "PrometheusRule", "Secret", "Service",
				"ServiceAccount", "ServiceMonitor");
		assertCommonWiring(manifests, "0.1.0-test");

		Map<String, Object> deployment = manifests.one("Deployment");
		// The autoscaler owns the replica count; a fixed one would fight it on every upgrade.
		assertThat(has(deployment, "spec", "replicas")).isFalse();

		Map<String, Object> hpa = manifests.one("HorizontalPodAutoscaler");
		assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
		assertThat(at(hpa, "spec", "scaleTargetRef")).isEqualTo(
				Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", FULLNAME));
		assertThat(text(hpa, "spec", "minReplicas")).isEqualTo("3");
		assertThat(text(hpa, "spec", "maxReplicas")).isEqualTo("6");
		List<Map<String, Object>> metrics = list(hpa, "spec", "metrics");
		assertThat(metrics).extracting(metric -> at(metric, "resource", "name")).containsExactly("cpu", "memory");

		Map<String, Object> pdb = manifests.one("PodDisruptionBudget");
		assertThat(pdb.get("apiVersion")).isEqualTo("policy/v1");
		assertThat(text(pdb, "spec", "minAvailable")).isEqualTo("2");
		assertThat(at(pdb, "spec", "selector", "matchLabels")).isEqualTo(SELECTOR_LABELS);

		Map<String, Object> monitor = manifests.one("ServiceMonitor");
		assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
		assertThat(map(monitor, "metadata", "labels")).containsEntry("release", "prometheus");
		assertThat(at(monitor, "spec", "namespaceSelector", "matchNames")).isEqualTo(List.of(NAMESPACE));
		Map<String, Object> serviceLabels = map(manifests.one("Service"), "metadata", "labels");
		Map<String, Object> monitorSelector = map(monitor, "spec", "selector", "matchLabels");
		assertThat(serviceLabels).containsAllEntriesOf(monitorSelector);
		Map<String, Object> endpoint = map(monitor, "spec", "endpoints", 0);
		assertThat(endpoint).containsEntry("port", "http").containsEntry("path", ApplicationSettings.PROMETHEUS_PATH);
		// /actuator/prometheus needs a reader key when keys are configured.
		assertThat(at(endpoint, "authorization")).isEqualTo(Map.of("type", "Bearer", "credentials",
				Map.of("name", "prometheus-registry-key", "key", "api-key")));

		// API keys: names and roles as variables, the keys from the chart's Secret, more keys from an existing
		// Secret; what the variables bind to is what the application reads.
		assertSecretWired(manifests, deployment, FULLNAME,
				List.of("REGISTRY_SECURITY_KEYS_0_KEY", "REGISTRY_SECURITY_KEYS_1_KEY"));
		assertThat(text(container(deployment), "envFrom", 1, "secretRef", "name")).isEqualTo("registry-more-api-keys");
		Map<String, Object> keyEnvironment = new LinkedHashMap<>();
		for (Map<String, Object> variable : env(deployment)) {
			String name = variable.get("name").toString();
			if (name.startsWith("REGISTRY_SECURITY_KEYS_")) {
				keyEnvironment.put(name, variable.containsKey("value") ? variable.get("value")
						: map(manifests.one("Secret"), "stringData").get(name));
			}
		}
		SecurityProperties security = new Binder(ConfigurationPropertySource.from(
				new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						keyEnvironment))).bindOrCreate("registry.security",
						SecurityProperties.class);
		assertThat(security.keys()).containsExactly(
				new SecurityProperties.Key("indexer", Role.READER, "reader-key-0123456789abcdef"),
				new SecurityProperties.Key("ops", Role.ADMIN,
						"sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"));

		// Project databases on another server: the three settings come from the chart's Secret.
		assertSecretWired(manifests, deployment, FULLNAME, PROVISIONING_VARIABLES);
		Map<String, Object> config = map(manifests.one("ConfigMap", FULLNAME), "data");
		assertThat(config).containsEntry("REGISTRY_WORKFLOW_URL", "http://workflow.tools.svc:8080")
			.containsEntry("REGISTRY_WORKFLOW_TIMEOUT", "2s")
			.containsEntry("REGISTRY_PROJECTS_MAX_PAGE_SIZE", "500")
			// Several replicas keep the cache on: they invalidate it on PostgreSQL's notifications.
			.containsEntry("REGISTRY_CACHE_MAXIMUM_SIZE", "10000");
		assertThat(bindFromEnvironment(config, "registry.sessions.allowed-roots"))
			.containsExactly("/workspace", "/srv/code");

		List<Map<String, Object>> mounts = list(container(deployment), "volumeMounts");
		assertThat(named(mounts, "workspace")).containsEntry("mountPath", "/workspace");
		assertThat(map(deployment, "spec", "template", "metadata", "labels"))
			.containsEntry("example.test/team", "platform");
	}

	@Test
	void alertRulesAndDashboardAreOffByDefaultAndOnShipTheCheckedFilesUnchanged() throws IOException {
		Manifests off = HelmRunner.template(MINIMAL, Map.of());
		assertThat(off.kinds()).doesNotContain("PrometheusRule");
		assertThat(off.ofKind("ConfigMap")).extracting(configMap -> text(configMap, "metadata", "name"))
			.containsExactly(FULLNAME);

		Manifests on = HelmRunner.template(MINIMAL, Map.of("prometheusRule.enabled", true,
				"prometheusRule.labels.release", "kube-prometheus", "grafanaDashboard.enabled", true,
				"grafanaDashboard.namespace", "monitoring", "grafanaDashboard.annotations.grafana_folder", "Registry"));

		// The rule file promtool checks is the spec, as it is.
		Map<String, Object> rule = on.one("PrometheusRule");
		assertThat(rule.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
		assertThat(text(rule, "metadata", "name")).isEqualTo(FULLNAME);
		assertThat(map(rule, "metadata", "labels")).containsEntry("release", "kube-prometheus");
		assertThat(rule.get("spec")).isEqualTo(readYaml(MonitoringFiles.RULES));
		assertThat(list(rule, "spec", "groups", 0, "rules")).extracting(each -> each.get("alert"))
			.contains("RegistryProvisioningFailures", "RegistryReadinessFlapping");

		// The dashboard JSON, byte for byte, where Grafana's sidecar finds it.
		Map<String, Object> dashboard = on.one("ConfigMap", DASHBOARD);
		assertThat(text(dashboard, "metadata", "namespace")).isEqualTo("monitoring");
		assertThat(map(dashboard, "metadata", "labels")).containsEntry("grafana_dashboard", "1")
			.containsEntry("app.kubernetes.io/instance", RELEASE);
		assertThat(map(dashboard, "metadata", "annotations")).containsEntry("grafana_folder", "Registry");
		assertThat(text(dashboard, "data", "project-registry.json"))
			.isEqualTo(Files.readString(MonitoringFiles.DASHBOARD).stripTrailing());
		// Turning them on changes nothing else.
		assertThat(text(on.one("ConfigMap", FULLNAME), "metadata", "name")).isEqualTo(FULLNAME);
		assertThat(on.documents()).hasSize(off.documents().size() + 2);

		Manifests sidecar = HelmRunner.template(MINIMAL, Map.of("grafanaDashboard.enabled", true,
				"grafanaDashboard.sidecarLabel", "dashboards", "grafanaDashboard.sidecarLabelValue", "registry"));
		assertThat(map(sidecar.one("ConfigMap", DASHBOARD), "metadata", "labels")).containsEntry("dashboards", "registry")
			.doesNotContainKey("grafana_dashboard");
		assertThat(text(sidecar.one("ConfigMap", DASHBOARD), "metadata", "namespace")).isEqualTo(NAMESPACE);
	}

	@Test
	void withoutKeysTheChartRefusesToRenderUnlessAnonymousAccessIsExplicit() {
		// The image listens on the pod's address, where the service refuses to start without keys: a release without
		// any would crash-loop, so rendering it fails with what to set instead.
		assertThatThrownBy(() -> HelmRunner.template(null, Map.of()))
			.hasMessageContaining("no API key is configured")
			.hasMessageContaining("security.keys[0].key")
			.hasMessageContaining("security.existingSecret")
			.hasMessageContaining("security.allowAnonymous=true");

		Manifests anonymous = HelmRunner.template(null, Map.of("security.allowAnonymous", true));
		assertThat(envNames(anonymous.one("Deployment"))).noneMatch(name -> name.startsWith("REGISTRY_SECURITY_"));
		assertThat(map(anonymous.one("ConfigMap"), "data")).containsEntry("REGISTRY_SECURITY_ALLOW_ANONYMOUS", "true");
		assertThat(ApplicationSettings.propertyBoundBy("REGISTRY_SECURITY_ALLOW_ANONYMOUS"))
			.isEqualTo("registry.security.allow-anonymous");

		Manifests keySecret = HelmRunner.template(null, Map.of("security.existingSecret", "registry-keys"));
		assertThat(text(container(keySecret.one("Deployment")), "envFrom", 1, "secretRef", "name"))
			.isEqualTo("registry-keys");
		assertThat(map(HelmRunner.template(MINIMAL, Map.of()).one("ConfigMap"), "data"))
			.doesNotContainKey("REGISTRY_SECURITY_ALLOW_ANONYMOUS");
	}

	@Test
	void keysAreRenderedEvenWithAnExistingDatabaseSecret() {
		Manifests manifests = HelmRunner.template(MINIMAL, Map.of("database.existingSecret", "registry-db-credentials",
				"security.keys[0].name", "ci", "security.keys[0].role", "admin",
				"security.keys[0].key", "ci-key-0123456789abcdef"));

		Map<String, Object> secret = manifests.one("Secret");
		assertThat(map(secret, "stringData")).containsOnlyKeys("REGISTRY_SECURITY_KEYS_0_KEY");
		Map<String, Object> deployment = manifests.one("Deployment");
		assertThat(map(named(env(deployment), "SPRING_DATASOURCE_URL"), "valueFrom", "secretKeyRef"))
			.containsEntry("name", "registry-db-credentials");
		assertThat(named(env(deployment), "REGISTRY_SECURITY_KEYS_0_ROLE")).containsEntry("value", "admin");
	}

	@Test
	void existingSecretIsReferencedInsteadOfRenderingOne() {
		Manifests manifests = HelmRunner.template(null, Map.of("database.existingSecret", "registry-db-credentials",
				"provisioning.enabled", true, "security.existingSecret", "registry-keys"));

		assertThat(manifests.kinds()).doesNotContain("Secret");
		Map<String, Object> deployment = manifests.one("Deployment");
		for (String variable : concat(DATASOURCE_VARIABLES, PROVISIONING_VARIABLES)) {
			Map<String, Object> ref = map(named(env(deployment), variable), "valueFrom", "secretKeyRef");
			assertThat(ref).containsEntry("name", "registry-db-credentials").containsEntry("key", variable);
		}
		assertThat(podAnnotations(deployment)).containsKey("checksum/secret");
	}

	@Test
	void aFleetOfServersIsDeclaredWithEachPasswordFromItsOwnSecret() {
		Manifests manifests = HelmRunner.template(MINIMAL, Map.of());
		assertThat(env(manifests.one("Deployment"))).extracting(variable -> variable.get("name").toString())
			.noneMatch(name -> name.startsWith("REGISTRY_FLEET_"));

		Manifests fleet = HelmRunner.template(FLEET, Map.of());
		Map<String, Object> environment = new LinkedHashMap<>();
		for (Map<String, Object> variable : env(fleet.one("Deployment"))) {
			String name = variable.get("name").toString();
			if (name.startsWith("REGISTRY_FLEET_")) {
				if (variable.containsKey("valueFrom")) {
					// Never a value in the manifest: a reference to the operator's Secret.
					assertThat(at(variable, "valueFrom", "secretKeyRef", "key")).isEqualTo("password");
					environment.put(name, "secret of " + text(variable, "valueFrom", "secretKeyRef", "name"));
				}
				else {
					environment.put(name, variable.get("value"));
				}
			}
		}
		FleetProperties bound = new Binder(ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment)))
			.bindOrCreate("registry.fleet", FleetProperties.class);
		assertThat(bound.reserve()).isEqualTo(0.2);
		assertThat(bound.servers()).extracting(FleetProperties.Server::name).containsExactly("pg-eu-1", "pg-us-1");
		FleetProperties.Server eu = bound.servers().get(0);
		assertThat(eu.password()).isEqualTo("secret of pg-eu-1-login");
		assertThat(eu.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("region", "eu", "disk", "ssd"));
		assertThat(eu.capacity().projects()).isEqualTo(500);
		assertThat(eu.capacity().size()).isEqualTo(DataSize.ofGigabytes(500));
		assertThat(eu.weight()).isEqualTo(2);
		assertThat(bound.servers().get(1).weight()).isEqualTo(1);

		assertThatThrownBy(() -> HelmRunner.template(FLEET, Map.of("fleet.servers[1].passwordSecret", "")))
			.hasMessageContaining("passwordSecret");
	}

	@Test
	void severalReplicasWithoutAutoscalingGetADisruptionBudgetAndKeepTheCache() {
		Manifests manifests = HelmRunner.template(MINIMAL, Map.of("replicaCount", 3));

		assertThat(manifests.kinds()).contains("PodDisruptionBudget").doesNotContain("HorizontalPodAutoscaler");
		assertThat(text(manifests.one("Deployment"), "spec", "replicas")).isEqualTo("3");
		assertThat(text(manifests.one("PodDisruptionBudget"), "spec", "minAvailable")).isEqualTo("1");
		assertThat(text(manifests.one("ConfigMap"), "data", "REGISTRY_CACHE_MAXIMUM_SIZE")).isEqualTo("10000");

		Manifests explicit = HelmRunner.template(MINIMAL, Map.of("replicaCount", 3, "registry.cache.maximumSize", 500));
		assertThat(text(explicit.one("ConfigMap"), "data", "REGISTRY_CACHE_MAXIMUM_SIZE")).isEqualTo("500");
	}

	@Test
	void changingASettingChangesOnlyTheMatchingChecksum() {
		Map<String, Object> before = podAnnotations(HelmRunner.template(MINIMAL, Map.of()).one("Deployment"));
		Map<String, Object> config = podAnnotations(
				HelmRunner.template(MINIMAL, Map.of("registry.sessions.allowedRoots", "/srv")).one("Deployment"));
		Map<String, Object> secret = podAnnotations(
				HelmRunner.template(MINIMAL, Map.of("database.password", "rotated")).one("Deployment"));

		assertThat(config.get("checksum/config")).isNotEqualTo(before.get("checksum/config"));
		assertThat(config.get("checksum/secret")).isEqualTo(before.get("checksum/secret"));
		assertThat(secret.get("checksum/secret")).isNotEqualTo(before.get("checksum/secret"));
		assertThat(secret.get("checksum/config")).isEqualTo(before.get("checksum/config"));
	}

	@Test
	void rolloutsDrainThePodBeforeSpringsGracefulShutdownWhichEndsBeforeTheKill() {
		Map<String, Object> deployment = HelmRunner.template(MINIMAL, Map.of()).one("Deployment");
		Map<String, Object> pod = map(deployment, "spec", "template", "spec");
		assertThat(at(container(deployment), "lifecycle", "preStop", "exec", "command"))
			.isEqualTo(List.of("sh", "-c", "sleep 10"));
		// preStop 10 s + Spring's shutdown phase 30 s + 10 s for the JVM to exit.
		assertThat(text(pod, "terminationGracePeriodSeconds")).isEqualTo("50");
		assertThat(ApplicationSettings.property("server.shutdown")).isEqualTo("graceful");

		// Waiting for exports (up to 10 minutes) on a rollout is a choice; the grace period follows it.
		Manifests exports = HelmRunner.template(MINIMAL, Map.of("shutdown.timeoutSeconds", 600));
		assertThat(text(exports.one("ConfigMap"), "data", "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE")).isEqualTo("600s");
		assertThat(text(exports.one("Deployment"), "spec", "template", "spec", "terminationGracePeriodSeconds"))
			.isEqualTo("620");
		assertThatThrownBy(() -> HelmRunner.template(MINIMAL, Map.of("terminationGracePeriodSeconds", 30)))
			.hasMessageContaining("terminationGracePeriodSeconds (30) must be at least")
			.hasMessageContaining("= 50");
	}

	@Test
	void aSeparateManagementPortMovesTheProbesTheServicePortAndTheServiceMonitorTogether() {
		Manifests manifests = HelmRunner.template(MINIMAL, Map.of("managementPort", 8081, "serviceMonitor.enabled", true,
				"networkPolicy.enabled", true));
		Map<String, Object> container = container(manifests.one("Deployment"));
		assertThat(text(named(list(container, "ports"), "management"), "containerPort")).isEqualTo("8081");
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			assertThat(text(container, probe, "httpGet", "port")).as(probe).isEqualTo("management");
		}
		assertThat(text(manifests.one("ConfigMap"), "data", "MANAGEMENT_SERVER_PORT")).isEqualTo("8081");
		assertThat(ApplicationSettings.propertyBoundBy("MANAGEMENT_SERVER_PORT")).isEqualTo("management.server.port");
		assertThat(named(list(manifests.one("Service"), "spec", "ports"), "management"))
			.containsEntry("port", 8081).containsEntry("targetPort", "management");
		assertThat(text(manifests.one("ServiceMonitor"), "spec", "endpoints", 0, "port")).isEqualTo("management");
		assertThat(text(manifests.one("NetworkPolicy"), "spec", "ingress", 1, "ports", 0, "port")).isEqualTo("management");

		Manifests same = HelmRunner.template(MINIMAL, Map.of("serviceMonitor.enabled", true));
		assertThat(text(container(same.one("Deployment")), "readinessProbe", "httpGet", "port")).isEqualTo("http");
		assertThat(map(same.one("ConfigMap"), "data")).doesNotContainKey("MANAGEMENT_SERVER_PORT");
		assertThat(text(same.one("ServiceMonitor"), "spec", "endpoints", 0, "port")).isEqualTo("http");
	}

	@Test
	void valuesThatUsedToRenderBrokenManifestsRenderValidOnesOrAreRefused() {
		// An empty size limit: an emptyDir without a limit, not a volume without a source.
		Map<String, Object> tmp = named(list(HelmRunner.template(MINIMAL, Map.of("tmpVolume.sizeLimit", ""))
			.one("Deployment"), "spec", "template", "spec", "volumes"), "tmp");
		assertThat(tmp.get("emptyDir")).isEqualTo(Map.of());

		// A digest in image.tag: a valid reference, and a version label a label may hold.
		String digest = "sha256:" + "0123456789abcdef".repeat(4);
		Manifests pinned = HelmRunner.template(MINIMAL, Map.of("image.tag", "0.2.0@" + digest));
		assertThat(text(container(pinned.one("Deployment")), "image")).isEqualTo("project-registry:0.2.0@" + digest);
		assertThat(text(pinned.one("Deployment"), "metadata", "labels", "app.kubernetes.io/version")).isEqualTo("0.2.0");
		Manifests bare = HelmRunner.template(MINIMAL, Map.of("image.tag", digest));
		assertThat(text(container(bare.one("Deployment")), "image")).isEqualTo("project-registry@" + digest);
		assertThat(text(bare.one("Deployment"), "metadata", "labels", "app.kubernetes.io/version")).isEqualTo("0.1.0");

		// Keys the chart sets itself cannot be repeated: YAML would keep one of the two silently.
		assertThatThrownBy(() -> HelmRunner.template(MINIMAL, Map.of("podLabels.app\\.kubernetes\\.io/name", "x")))
			.hasMessageContaining("podLabels must not set app.kubernetes.io/name");
		assertThatThrownBy(() -> HelmRunner.template(MINIMAL, Map.of("extraEnv.JAVA_TOOL_OPTIONS", "-Xmx1g")))
			.hasMessageContaining("extraEnv must not set JAVA_TOOL_OPTIONS");

		// A typo in an enumerated value is refused by values.schema.json instead of dropping the rule silently.
		assertThatThrownBy(() -> HelmRunner.template(MINIMAL, Map.of("podAntiAffinity", "Hard")))
			.hasMessageContaining("podAntiAffinity");
		assertThatThrownBy(() -> HelmRunner.template(MINIMAL, Map.of("service.type", "Loadbalancer")))
			.hasMessageContaining("/service/type");
		assertThatThrownBy(() -> HelmRunner.template(MINIMAL, Map.of("replicaCount", "three")))
			.hasMessageContaining("replicaCount");
	}

	@Test
	void chartAdditionsRenderWhenAskedFor() {
		Manifests defaults = HelmRunner.template(MINIMAL, Map.of());
		Map<String, Object> pod = map(defaults.one("Deployment"), "spec", "template", "spec");
		Map<String, Object> zone = map(pod, "topologySpreadConstraints", 0);
		assertThat(zone).containsEntry("topologyKey", "topology.kubernetes.io/zone")
			.containsEntry("whenUnsatisfiable", "ScheduleAnyway");
		assertThat(at(zone, "labelSelector", "matchLabels")).isEqualTo(SELECTOR_LABELS);
		assertThat(defaults.kinds()).doesNotContain("NetworkPolicy", "Ingress", "Job");

		// `helm test`: readiness, then a read with the first key.
		Map<String, Object> test = defaults.one("Pod");
		assertThat(map(test, "metadata", "annotations")).containsEntry(HelmRunner.HOOK_ANNOTATION + "hook", "test");
		assertThat(text(container(Map.of("spec", Map.of("template", test))), "args", 0))
			.contains("/actuator/health/readiness")
			.contains("Authorization: Bearer $API_KEY")
			.contains("/api/v1/projects");

		Manifests on = HelmRunner.template(ALL_ON, Map.of());
		Map<String, Object> policy = on.one("NetworkPolicy");
		assertThat(at(policy, "spec", "policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
		assertThat(text(policy, "spec", "egress", 0, "ports", 0, "port")).isEqualTo("5432");
		assertThat(text(policy, "spec", "egress", 1, "ports", 0, "port")).isEqualTo("53");
		assertThat(text(on.one("Ingress"), "spec", "rules", 0, "host")).isEqualTo("registry.example.test");
		assertThat(text(on.one("PodDisruptionBudget"), "spec", "unhealthyPodEvictionPolicy")).isEqualTo("AlwaysAllow");
		assertThat(text(on.one("HorizontalPodAutoscaler"), "spec", "behavior", "scaleDown", "stabilizationWindowSeconds"))
			.isEqualTo("300");

		// Flyway from a pre-upgrade Job: the pods then leave the schema alone.
		assertThatThrownBy(() -> HelmRunner.template(MINIMAL, Map.of("migrations.job.enabled", true)))
			.hasMessageContaining("migrations.job.enabled needs database.existingSecret");
		Manifests job = HelmRunner.template(MINIMAL, Map.of("migrations.job.enabled", true, "database.existingSecret",
				"registry-db"));
		Map<String, Object> migrate = job.one("Job");
		assertThat(map(migrate, "metadata", "annotations"))
			.containsEntry(HelmRunner.HOOK_ANNOTATION + "hook", "pre-install,pre-upgrade");
		assertThat(text(migrate, "spec", "template", "spec", "containers", 0, "args"))
			.contains("--spring.flyway.enabled=true");
		assertThat(text(job.one("ConfigMap"), "data", "SPRING_FLYWAY_ENABLED")).isEqualTo("false");
	}

	@Test
	void renderingFailsWithoutADatabaseUrlOrSecret() {
		assertThatThrownBy(() -> HelmRunner.template(MINIMAL, Map.of("database.url", "")))
			.hasMessageContaining("database.url is required");
		assertThatThrownBy(() -> HelmRunner.template(MINIMAL, Map.of("provisioning.enabled", true)))
			.hasMessageContaining("provisioning.url is required");
	}

	/** What every rendering must satisfy, whatever the values. */
	private static void assertCommonWiring(Manifests manifests, String appVersion) {
		for (Map<String, Object> resource : manifests.documents()) {
			if (HOOKS.contains(resource.get("kind"))) {
				// The test pod and the migration Job must not carry the selector labels (the Service would pick them).
				assertThat(text(resource, "metadata", "name")).startsWith(FULLNAME + "-");
				assertThat(text(resource, "metadata", "labels", "app.kubernetes.io/name")).isNotEqualTo("project-registry");
				continue;
			}
			assertThat(text(resource, "metadata", "name")).as("name of %s", resource.get("kind"))
				.isIn(FULLNAME, DASHBOARD);
			assertStandardLabels(map(resource, "metadata", "labels"), appVersion);
		}

		Map<String, Object> deployment = manifests.one("Deployment");
		Map<String, Object> pod = map(deployment, "spec", "template");
		assertStandardLabels(map(pod, "metadata", "labels"), appVersion);
		assertThat(at(deployment, "spec", "selector", "matchLabels")).isEqualTo(SELECTOR_LABELS);

		// Container port = server.port of application.yaml, and the Service forwards to it by name.
		Map<String, Object> container = container(deployment);
		Map<String, Object> http = named(list(container, "ports"), "http");
		assertThat(text(http, "containerPort")).isEqualTo(String.valueOf(ApplicationSettings.serverPort()));
		Map<String, Object> service = manifests.one("Service");
		assertThat(text(service, "spec", "type")).isEqualTo("ClusterIP");
		assertThat(at(service, "spec", "selector")).isEqualTo(SELECTOR_LABELS);
		Map<String, Object> servicePort = named(list(service, "spec", "ports"), "http");
		assertThat(servicePort).containsEntry("port", 80).containsEntry("targetPort", "http");

		// Probes on the Actuator health groups of application.yaml.
		assertProbe(container, "startupProbe", ApplicationSettings.LIVENESS_PATH);
		assertProbe(container, "livenessProbe", ApplicationSettings.LIVENESS_PATH);
		assertProbe(container, "readinessProbe", ApplicationSettings.READINESS_PATH);

		// Non-root, read-only root filesystem with a writable /tmp, no privilege escalation, no capabilities.
		Map<String, Object> podSecurity = map(pod, "spec", "securityContext");
		assertThat(podSecurity).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
		assertThat(text(podSecurity, "seccompProfile", "type")).isEqualTo("RuntimeDefault");
		Map<String, Object> security = map(container, "securityContext");
		assertThat(security).containsEntry("runAsNonRoot", true)
			.containsEntry("runAsUser", 10001)
			.containsEntry("readOnlyRootFilesystem", true)
			.containsEntry("allowPrivilegeEscalation", false);
		assertThat(at(security, "capabilities", "drop")).isEqualTo(List.of("ALL"));
		assertThat(text(security, "seccompProfile", "type")).isEqualTo("RuntimeDefault");
		assertThat(named(list(container, "volumeMounts"), "tmp")).containsEntry("mountPath", "/tmp");
		assertThat(has(named(list(pod, "spec", "volumes"), "tmp"), "emptyDir")).isTrue();
		assertThat(at(pod, "spec", "enableServiceLinks")).isEqualTo(false);

		// Prefer spreading pods over nodes.
		Map<String, Object> term = map(pod, "spec", "affinity", "podAntiAffinity",
				"preferredDuringSchedulingIgnoredDuringExecution", 0, "podAffinityTerm");
		assertThat(term).containsEntry("topologyKey", "kubernetes.io/hostname");
		assertThat(at(term, "labelSelector", "matchLabels")).isEqualTo(SELECTOR_LABELS);

		// A changed ConfigMap or Secret rolls the pods.
		assertThat(podAnnotations(deployment)).hasEntrySatisfying("checksum/config",
				value -> assertThat(value.toString()).matches("[0-9a-f]{64}"));
		assertThat(podAnnotations(deployment)).hasEntrySatisfying("checksum/secret",
				value -> assertThat(value.toString()).matches("[0-9a-f]{64}"));

		// Settings: the ConfigMap as environment, the connection settings from the Secret.
		assertThat(text(container, "envFrom", 0, "configMapRef", "name")).isEqualTo(FULLNAME);
		assertSecretWired(manifests, deployment, FULLNAME, DATASOURCE_VARIABLES);

		// Every Spring or registry variable the chart sets is one that relaxed binding maps to a real property.
		Map<String, Object> config = map(manifests.one("ConfigMap", FULLNAME), "data");
		List<String> variables = concat(new ArrayList<>(config.keySet()), envNames(deployment));
		for (String variable : variables) {
			if (variable.startsWith("REGISTRY_") || variable.startsWith("SPRING_")) {
				assertThat(ApplicationSettings.propertyBoundBy(variable)).as("property set by %s", variable)
					.isNotNull();
			}
		}
		assertThat(ApplicationSettings.propertyBoundBy("REGISTRY_SESSIONS_ALLOWED_ROOTS"))
			.isEqualTo("registry.sessions.allowed-roots");
		assertThat(ApplicationSettings.propertyBoundBy("REGISTRY_CACHE_MAXIMUM_SIZE"))
			.isEqualTo("registry.cache.maximum-size");
		assertThat(ApplicationSettings.propertyBoundBy("REGISTRY_RECONCILIATION_DROP_ORPHANS"))
			.isEqualTo("registry.reconciliation.drop-orphans");
		assertThat(ApplicationSettings.propertyBoundBy("REGISTRY_PROVISIONING_SCHEMA_LOCATIONS"))
			.isEqualTo("registry.provisioning.schema.locations");
	}

	/** Each variable is read from the Secret, and a chart-rendered Secret has the key. */
	private static void assertSecretWired(Manifests manifests, Map<String, Object> deployment, String secretName,
			List<String> variables) {
		for (String variable : variables) {
			Map<String, Object> ref = map(named(env(deployment), variable), "valueFrom", "secretKeyRef");
			assertThat(ref).as("secretKeyRef of %s", variable).containsEntry("name", secretName);
			if (!manifests.ofKind("Secret").isEmpty()) {
				Map<String, Object> secret = manifests.one("Secret");
				assertThat(text(secret, "metadata", "name")).isEqualTo(secretName);
				assertThat(map(secret, "stringData")).containsKey(String.valueOf(ref.get("key")));
			}
		}
	}

	private static void assertStandardLabels(Map<String, Object> labels, String appVersion) {
		assertThat(labels).containsAllEntriesOf(STANDARD_LABELS).containsEntry("app.kubernetes.io/version", appVersion);
	}

	private static void assertProbe(Map<String, Object> container, String probe, String path) {
		assertThat(at(container, probe, "httpGet")).as(probe).isEqualTo(Map.of("path", path, "port", "http"));
	}

	private static void assertLintPasses(Path chart) {
		LintResult result = HelmRunner.lint(chart);
		assertThat(result.isFailed()).as("helm lint --strict %s: %s", chart, result.getMessages()).isFalse();
		assertThat(result.getMessages()).as("helm lint --strict %s", chart)
			.noneMatch(message -> message.startsWith("[ERROR]") || message.startsWith("[WARNING]"));
	}

	private static Map<String, Object> container(Map<String, Object> deployment) {
		List<Map<String, Object>> containers = list(deployment, "spec", "template", "spec", "containers");
		assertThat(containers).hasSize(1);
		return containers.get(0);
	}

	private static List<Map<String, Object>> env(Map<String, Object> deployment) {
		return list(container(deployment), "env");
	}

	private static List<String> envNames(Map<String, Object> deployment) {
		return env(deployment).stream().map(entry -> entry.get("name").toString()).toList();
	}

	private static Map<String, Object> podAnnotations(Map<String, Object> deployment) {
		return map(deployment, "spec", "template", "metadata", "annotations");
	}

	/** Binds a property the way the application does, from the ConfigMap's entries used as environment variables. */
	private static List<String> bindFromEnvironment(Map<String, Object> variables, String property) {
		Map<String, Object> environment = new LinkedHashMap<>(variables);
		Binder binder = new Binder(ConfigurationPropertySource.from(new SystemEnvironmentPropertySource("env", environment)));
		return binder.bind(property, Bindable.listOf(String.class)).orElseThrow(
				() -> new AssertionError(property + " is not bound from " + variables.keySet()));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> overlay) {
		Map<String, Object> merged = new LinkedHashMap<>(base);
		overlay.forEach((key, value) -> {
			if (value instanceof Map<?, ?> overlayMap && merged.get(key) instanceof Map<?, ?> baseMap) {
				merged.put(key, deepMerge((Map<String, Object>) baseMap, (Map<String, Object>) overlayMap));
			}
			else {
				merged.put(key, value);
			}
		});
		return merged;
	}

	private static List<String> concat(List<String> first, List<String> second) {
		return Stream.concat(first.stream(), second.stream()).toList();
	}

}
