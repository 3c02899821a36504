package io.codebase.registry.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The example of docs/client.md compiles against the client generated from openapi.yaml, so it cannot rot. */
class ClientDocumentationTest {

	private static final Pattern JAVA = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

	@Test
	void theExampleCompilesAgainstTheGeneratedClient(@TempDir Path output) throws IOException {
		Matcher example = JAVA.matcher(Files.readString(Path.of("docs/client.md")));
		assertThat(example.find()).as("a java example in docs/client.md").isTrue();
		Path source = Files.writeString(output.resolve("RegistryClientExample.java"), example.group(1));

		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
		try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
			List<String> options = List.of("-proc:none", "-classpath", System.getProperty("java.class.path"), "-d",
					output.toString());
			boolean compiled = compiler
				.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(source))
				.call();
			assertThat(compiled).as("docs/client.md's example: %s", diagnostics.getDiagnostics()).isTrue();
		}
	}

}
