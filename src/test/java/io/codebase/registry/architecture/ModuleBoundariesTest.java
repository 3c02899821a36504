package io.codebase.registry.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import io.codebase.registry.ProjectRegistryApplication;
import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module map of docs/architecture.md, enforced: no cycles between modules, no use of another module's
 * internals, and only the dependencies each module's {@code package-info.java} allows. The generated module
 * documentation in {@code docs/modules} must match the code; refresh it with
 * {@code ./mvnw test -Dtest=ModuleBoundariesTest -Dmodules.update=true}.
 */
class ModuleBoundariesTest {

	private static final ApplicationModules MODULES = ApplicationModules.of(ProjectRegistryApplication.class);

	private static final Path COMMITTED = Path.of("docs/modules");

	private static final Path GENERATED = Path.of("target/modules");

	@Test
	void modulesDependOnlyOnWhatTheyDeclare() {
		MODULES.verify();
	}

	@Test
	void theCommittedModuleDocumentationMatchesTheCode() throws IOException {
		new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(GENERATED.toString()))
			.writeModulesAsPlantUml()
			.writeModuleCanvases();
		List<Path> generated = files(GENERATED);
		if (Boolean.getBoolean("modules.update")) {
			Files.createDirectories(COMMITTED);
			for (Path file : files(COMMITTED)) {
				Files.delete(COMMITTED.resolve(file));
			}
			for (Path file : generated) {
				Files.copy(GENERATED.resolve(file), COMMITTED.resolve(file), StandardCopyOption.REPLACE_EXISTING);
			}
		}
		assertThat(files(COMMITTED)).as("files in " + COMMITTED).containsExactlyInAnyOrderElementsOf(generated);
		for (Path file : generated) {
			assertThat(lines(COMMITTED.resolve(file)))
				.as(COMMITTED.resolve(file) + " is out of date: run ./mvnw test -Dtest=ModuleBoundariesTest -Dmodules.update=true")
				.isEqualTo(lines(GENERATED.resolve(file)));
		}
	}

	/** A document's lines; the order of a diagram's elements and relations varies from run to run and means nothing. */
	private static List<String> lines(Path file) throws IOException {
		List<String> lines = Files.readAllLines(file);
		return file.toString().endsWith(".puml") ? lines.stream().sorted().toList() : lines;
	}

	private static List<Path> files(Path folder) throws IOException {
		if (!Files.isDirectory(folder)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(Path::getFileName).sorted().toList();
		}
	}

}
