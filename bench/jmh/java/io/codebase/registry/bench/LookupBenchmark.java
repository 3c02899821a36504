package io.codebase.registry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.codebase.registry.ProjectRegistryApplication;
import io.codebase.registry.project.EnsureProject;
import io.codebase.registry.project.ProjectService;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.resolution.Resolution;
import io.codebase.registry.resolution.ResolutionRequest;
import io.codebase.registry.resolution.ResolutionService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The in-process cost of a project lookup, without HTTP: a cache hit through {@link ProjectService} and through
 * a tier-1 (EXPLICIT) {@link ResolutionService#resolve resolution}, the JSON body the HTTP layer then writes,
 * and, for scale, the same lookup as a JDBC query (what a cache miss costs at least).
 * <p>
 * Each fork starts the whole application on its own embedded PostgreSQL in a temporary directory, as
 * {@code EmbeddedPostgresRunTest} does, and stops it (and deletes the directory) at the end of the trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LookupBenchmark {

	static final String NAME = "jmh-hot";

	private Path dataDirectory;

	private ConfigurableApplicationContext context;

	private ProjectService projects;

	private ResolutionService resolutions;

	private ObjectMapper json;

	private JdbcTemplate jdbc;

	private ResolutionRequest explicit;

	private Resolution resolved;

	@Setup(Level.Trial)
	public void start() throws IOException {
		this.dataDirectory = Files.createTempDirectory("registry-jmh-");
		this.context = new SpringApplicationBuilder(ProjectRegistryApplication.class).logStartupInfo(false)
			.run("--registry.embedded.data-directory=" + this.dataDirectory.resolve("postgres"),
					"--registry.embedded.port=0", "--server.port=0", "--logging.level.root=WARN");
		this.projects = this.context.getBean(ProjectService.class);
		this.resolutions = this.context.getBean(ResolutionService.class);
		this.json = this.context.getBean(ObjectMapper.class);
		this.jdbc = this.context.getBean(JdbcTemplate.class);
		this.projects.getOrCreate(new EnsureProject(NAME, "JMH lookup target", null, null));
		this.explicit = new ResolutionRequest(NAME, null, null, null, null);
		this.resolved = this.resolutions.resolve(this.explicit);
		if (this.projects.findByName(NAME).isEmpty() || !this.resolved.project().name().equals(NAME)) {
			throw new IllegalStateException("Benchmark project " + NAME + " is not resolvable");
		}
	}

	@TearDown(Level.Trial)
	public void stop() throws IOException {
		if (this.context != null) {
			this.context.close();
		}
		if (this.dataDirectory != null) {
			try (Stream<Path> files = Files.walk(this.dataDirectory)) {
				files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
			}
		}
	}

	/** ProjectService.findByName on a cached project: name check, key, Caffeine lookup. */
	@Benchmark
	public Optional<ProjectView> findByNameCached() {
		return this.projects.findByName(NAME);
	}

	/** What GET /api/v1/resolutions?project=NAME does below the controller: tier EXPLICIT, cache hit, metrics. */
	@Benchmark
	public Resolution resolveExplicitCached() {
		return this.resolutions.resolve(this.explicit);
	}

	/** The response body of that resolution, written with the application's own JSON mapper. */
	@Benchmark
	public byte[] resolutionToJson() {
		return this.json.writeValueAsBytes(this.resolved);
	}

	/** The lookup query on a pooled connection: the floor of a cache miss (what cache size 0 pays every time). */
	@Benchmark
	public Map<String, Object> selectByNameKeyJdbc() {
		return this.jdbc.queryForMap("SELECT * FROM projects WHERE name_key = lower(?)", NAME);
	}

}
