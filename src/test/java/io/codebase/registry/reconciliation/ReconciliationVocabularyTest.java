package io.codebase.registry.reconciliation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.codebase.registry.project.IndexStatus;
import io.codebase.registry.project.ProjectProperties;
import javax.sql.DataSource;

import io.codebase.registry.credentials.Credentials;
import io.codebase.registry.move.MoveDatabases;
import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.project.ProjectConnection;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.reconciliation.ReconciliationProperties.MissingDatabasePolicy;
import io.codebase.registry.reconciliation.ValidationReport.Issue;
import io.codebase.registry.reconciliation.ValidationReport.Kind;
import io.codebase.registry.session.SessionService;
import io.codebase.registry.session.WorkingDirectories;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * One vocabulary: a project in each condition is named the same way, with the same detail, by the validation
 * report and by the reconciliation report, and what the reconciler leaves alone it tells how to fix the way the
 * validation report does. Real checks and policy; the projects, databases and sessions are stand-ins.
 */
class ReconciliationVocabularyTest {

	private static final Instant LONG_AGO = Instant.now().minus(Duration.ofHours(1));

	@TempDir
	Path root;

	@Test
	void bothReportsNameEachProjectsConditionTheSameWay() throws IOException {
		Path file = Files.writeString(this.root.resolve("notes.txt"), "x");
		List<ProjectView> projects = List.of(project("healthy", ProjectState.READY, this.root.toString(), null),
				project("missing database", ProjectState.READY, null, null),
				project("failed", ProjectState.FAILED, null, "disk full"),
				project("stuck", ProjectState.PROVISIONING, null, null),
				project("deleting", ProjectState.DELETING, null, "drop failed"),
				project("moved", ProjectState.READY, this.root.resolve("gone").toString(), null),
				project("a file", ProjectState.READY, file.toString(), null),
				project("elsewhere", ProjectState.READY, "/no/such/place", null));
		Set<String> databases = Set.of(databaseOf("healthy"), databaseOf("moved"), databaseOf("a file"),
				databaseOf("elsewhere"));

		DatabaseServer server = DatabaseServer.shared("default", mock(DataSource.class),
				"jdbc:postgresql://localhost/registry", "registry", "");
		DatabaseServers servers = mock(DatabaseServers.class);
		given(servers.all()).willReturn(List.of(server));
		given(servers.server("default")).willReturn(server);
		given(servers.find("default")).willReturn(Optional.of(server));
		DatabaseProvisioner provisioner = mock(DatabaseProvisioner.class);
		given(provisioner.databaseNames(server)).willReturn(databases);
		given(provisioner.databaseExists(any(), any())).willAnswer(call -> databases.contains(call.<String>getArgument(1)));
		WorkingDirectories directories = mock(WorkingDirectories.class);
		given(directories.rootOf(any())).willAnswer(call -> Optional.of(this.root.toRealPath())
			.filter(call.<Path>getArgument(0)::startsWith));
		ProjectLookup projectService = mock(ProjectLookup.class);
		given(projectService.scan(any(), anyInt())).willReturn(projects);
		ReconciliationPolicy policy = new ReconciliationPolicy(new ReconciliationProperties(true, Duration.ofSeconds(60),
				MissingDatabasePolicy.MARK_FAILED, false, false, Duration.ofHours(24), Duration.ofHours(1)));
		ProjectValidator validator = new ProjectValidator(provisioner, directories, mock(ProjectLifecycle.class),
				new ProjectProperties(65536, 16, 20, 200, Duration.ofSeconds(10), Duration.ofMinutes(2), 16), policy, servers);
		Reconciler reconciler = new Reconciler(new DriftDetector(projectService, mock(SessionService.class), provisioner,
				validator, mock(OrphanDatabases.class), servers, mock(Credentials.class), mock(MoveDatabases.class)),
				policy, mock(Repairer.class),
				new ReconciliationMetrics(new SimpleMeterRegistry()), mock(ReconciliationLock.class));

		ReconciliationReport reconciliation = reconciler.report(EnumSet.allOf(DriftKind.class), DriftDetector.Scope.EVERY_PROJECT);

		assertThat(reconciliation.drifts()).extracting(Drift::projectName)
			.containsExactlyInAnyOrder("missing database", "failed", "stuck", "deleting", "moved", "a file");
		for (ProjectView project : projects) {
			List<Issue> issues = validator.validate(project).issues().stream()
				.filter(issue -> issue.kind() != Kind.SOURCE_PATH_NOT_CHECKED)
				.toList();
			List<Drift> drifts = reconciliation.drifts().stream()
				.filter(drift -> project.id().equals(drift.projectId()))
				.toList();
			assertThat(drifts).as(project.name()).hasSameSizeAs(issues);
			for (int i = 0; i < issues.size(); i++) {
				Issue issue = issues.get(i);
				Drift drift = drifts.get(i);
				assertThat(drift.kind().validationNames()).as(project.name()).contains(issue.kind());
				assertThat(drift.detail()).as(project.name()).isEqualTo(issue.detail());
				assertThat(drift.projectName()).isEqualTo(project.name());
				if (drift.action().startsWith("none")) {
					assertThat(drift.action()).as(project.name()).endsWith("by hand: " + issue.suggestedAction());
				}
			}
		}
		assertThat(kinds(validator, projects, "a file")).containsExactly(Kind.SOURCE_PATH_NOT_DIRECTORY);
		assertThat(kinds(validator, projects, "elsewhere")).containsExactly(Kind.SOURCE_PATH_NOT_CHECKED);
	}

	private static List<Kind> kinds(ProjectValidator validator, List<ProjectView> projects, String name) {
		ProjectView project = projects.stream().filter(each -> each.name().equals(name)).findFirst().orElseThrow();
		return validator.validate(project).issues().stream().map(Issue::kind).toList();
	}

	private static ProjectView project(String name, ProjectState state, String sourcePath, String lastError) {
		return new ProjectView(UUID.randomUUID(), name, null, databaseOf(name), state, null, IndexStatus.NOT_INDEXED,
				null, null, null, sourcePath, "{}", lastError, 1, LONG_AGO, LONG_AGO, "default",
				new ProjectConnection("default", null, null, databaseOf(name), null, null), null, null);
	}

	private static String databaseOf(String name) {
		return "cb_proj_" + name.replace(' ', '_');
	}

}
