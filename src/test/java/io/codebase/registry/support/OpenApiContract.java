package io.codebase.registry.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.mediatype.ContentAnalyser;
import io.vertx.openapi.mediatype.ContentAnalyserFactory;
import io.vertx.openapi.mediatype.MediaTypeRegistration;
import io.vertx.openapi.mediatype.MediaTypeRegistry;
import io.vertx.openapi.validation.ValidationContext;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.transformer.ParameterTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.ResultMatcher;

/**
 * {@code openapi.yaml} as a check of real answers: the status is declared for the operation, the Content-Type is
 * one it declares, the body is valid against the declared schema (OpenAPI 3.1: JSON Schema 2020-12), the declared
 * headers are there and valid. The document is read and checked, and every schema applied, by Eclipse Vert.x's
 * OpenAPI and JSON Schema libraries, not by code of this project, so a wrong reading of the spec here cannot hide
 * a mismatch. {@link Http} (and so {@link RegistryClient}),
 * {@link Problems} and every {@link ControllerTest}'s {@code MockMvc} run every answer through {@link #registry()}.
 * <p>
 * An answer on a route the spec does not have (an unknown path, a method the path does not allow) cannot be
 * checked against an operation; it must still be the registry's problem document: {@code application/problem+json}
 * valid against the spec's {@code Problem} schema. Only the routes served beside the API and described by other
 * contracts ({@link #BESIDE_THE_API}) may answer anything else.
 */
public final class OpenApiContract {

	/** The one Content-Type of every error of the registry. */
	static final String PROBLEM_JSON = "application/problem+json";

	/**
	 * Routes served beside the API, whose answers other contracts describe: Spring Boot's health groups (including
	 * their 503 when DOWN) and metrics, the OpenAPI document itself and Swagger UI. Their other errors are still
	 * problems.
	 */
	private static final List<String> BESIDE_THE_API = List.of("/actuator/", "/v3/api-docs", "/swagger-ui");

	/** Loads the contract (Vert.x reads and checks documents asynchronously). */
	private static final Vertx VERTX = Vertx.builder()
		.with(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1))
		.build();

	/**
	 * Where answers are checked: a thread with a large stack, because the JSON Schema library checks
	 * {@code format: uri-reference} with a regular expression that recurses once per character, and a problem's
	 * {@code instance} is the request path, which hostile-input tests make 10,000 characters long (the default
	 * stack overflows near 2,000).
	 */
	private static final ExecutorService CHECKER = Executors.newSingleThreadExecutor(task -> {
		Thread thread = new Thread(null, task, "openapi-contract", 64L << 20);
		thread.setDaemon(true);
		return thread;
	});

	private static final ParameterTransformer HEADER_VALUES = new SimpleTransformer();

	/** Read once; a document that cannot be read fails every check with the same message, not only the first. */
	private static final class Registry {

		static final OpenApiContract CONTRACT;

		static final RuntimeException UNREADABLE;

		static {
			OpenApiContract contract = null;
			RuntimeException unreadable = null;
			try {
				contract = read(Path.of("openapi.yaml"));
			}
			catch (RuntimeException ex) {
				unreadable = ex;
			}
			CONTRACT = contract;
			UNREADABLE = unreadable;
		}

	}

	private final OpenAPIContract contract;

	private OpenApiContract(OpenAPIContract contract) {
		this.contract = contract;
	}

	/** The repository's {@code openapi.yaml}, read once per test JVM. */
	public static OpenApiContract registry() {
		if (Registry.UNREADABLE != null) {
			throw new IllegalStateException(Registry.UNREADABLE.getMessage(), Registry.UNREADABLE);
		}
		return Registry.CONTRACT;
	}

	static OpenApiContract read(Path file) {
		try {
			return parse(Files.readString(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the API contract " + file.toAbsolutePath(), ex);
		}
	}

	/**
	 * A contract from the text of an OpenAPI document, which must itself be valid (Vert.x checks it against the
	 * OpenAPI schema and refuses, among others, two path templates that differ only in their parameter names).
	 */
	static OpenApiContract parse(String yaml) {
		JsonObject document = new JsonObject(new Yaml(new TimestampsAsText()).<Map<String, Object>>load(yaml));
		// The tests call the service at its root; the servers entry is for Swagger UI and generated clients (and
		// the validator takes only absolute URLs there).
		document.remove("servers");
		MediaTypeRegistry mediaTypes = MediaTypeRegistry.createDefault().register(new JsonWithSuffix());
		return new OpenApiContract(await(
				OpenAPIContract.builder(VERTX).setContract(document).mediaTypeRegistry(mediaTypes).build(),
				"openapi.yaml is not a valid contract"));
	}

	/**
	 * JSON media types named by their {@code +json} suffix (RFC 6839), {@code application/problem+json} and
	 * {@code application/merge-patch+json} here: Vert.x knows only its own list of JSON types out of the box.
	 */
	private static final class JsonWithSuffix implements MediaTypeRegistration {

		@Override
		public ContentAnalyser createContentAnalyser(String contentType, Buffer content, ValidationContext context) {
			return ContentAnalyserFactory.json().create(contentType, content, context);
		}

		@Override
		public boolean canHandle(String mediaType) {
			return mediaType.toLowerCase(Locale.ROOT).matches("application/[a-z0-9.!#$&^_-]+\\+json");
		}

		@Override
		public List<String> supportedTypes() {
			return List.of("application/*+json");
		}

	}

	/** YAML timestamps (examples of date-time fields) stay the text they are, as in JSON. */
	private static final class TimestampsAsText extends SafeConstructor {

		TimestampsAsText() {
			super(new LoaderOptions());
			this.yamlConstructors.put(Tag.TIMESTAMP, this.yamlConstructors.get(Tag.STR));
		}

	}

	/** One answer as the validator sees it; {@code rawPath} is still percent-encoded, without the query. */
	public record Answer(String method, String rawPath, int status, Map<String, List<String>> headers, String body) {

		public static Answer of(HttpResponse<String> response) {
			return new Answer(response.request().method(), response.uri().getRawPath(), response.statusCode(),
					response.headers().map(), response.body());
		}

		static Answer of(MockHttpServletRequest request, MockHttpServletResponse response) {
			Map<String, List<String>> headers = new LinkedHashMap<>();
			for (String name : response.getHeaderNames()) {
				headers.put(name, response.getHeaders(name));
			}
			try {
				return new Answer(request.getMethod(), request.getRequestURI(), response.getStatus(), headers,
						response.getContentAsString(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter(header -> header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty())
				.map(header -> header.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

		String contentType() {
			return header("Content-Type");
		}

		boolean hasBody() {
			return this.body != null && !this.body.isEmpty();
		}

		@Override
		public String toString() {
			String text = hasBody() ? this.body : "(no body)";
			return this.method + " " + this.rawPath + " -> " + this.status + " " + contentType() + " "
					+ ((text.length() > 500) ? text.substring(0, 500) + "..." : text);
		}

	}

	/** What this answer breaks of the contract; empty when it keeps it. */
	public List<String> violations(Answer answer) {
		try {
			return CHECKER.submit(() -> breaches(answer)).get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Checking " + answer + " failed", ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Checking " + answer + " took over 30 s", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private List<String> breaches(Answer answer) {
		Operation operation = this.contract.findOperation(answer.rawPath(),
				HttpMethod.valueOf(answer.method().toUpperCase(Locale.ROOT)));
		if (operation == null) {
			return outsideTheSpec(answer);
		}
		String named = operation.getOperationId() + " (" + operation.getHttpMethod() + " " + operation.getOpenAPIPath()
				+ ")";
		Response declared = (operation.getResponse(answer.status()) != null) ? operation.getResponse(answer.status())
				: operation.getDefaultResponse();
		if (declared == null) {
			return List.of(answer.status() + " is not a declared status of " + named);
		}
		String where = answer.status() + " of " + named;
		List<String> violations = new ArrayList<>();
		for (Parameter header : declared.getHeaders()) {
			String value = answer.header(header.getName());
			if (value == null) {
				if (header.isRequired()) {
					violations.add(where + ": no " + header.getName() + " header, which it requires");
				}
			}
			else {
				try {
					schemaErrors(header.getSchema(), HEADER_VALUES.transform(header, value))
						.ifPresent(errors -> violations.add(where + ": header " + header.getName() + ": " + errors));
				}
				catch (ValidatorException ex) {
					violations.add(where + ": header " + header.getName() + " '" + value + "': " + ex.getMessage());
				}
			}
		}
		if (declared.getContent().isEmpty()) {
			if (answer.hasBody()) {
				violations.add(where + " declares no body, yet there is one");
			}
		}
		else if (!answer.hasBody()) {
			violations.add(where + " declares a body " + declared.getContent().keySet() + ", yet there is none");
		}
		else if (answer.contentType() == null) {
			violations.add(where + ": a body without a Content-Type");
		}
		else {
			String mediaType = declaredMediaType(declared, answer.contentType());
			if (mediaType == null) {
				violations.add(where + ": Content-Type " + answer.contentType() + " is not declared (declared: "
						+ declared.getContent().keySet() + ")");
			}
			else if (declared.getContent().get(mediaType).getSchema() != null) {
				try {
					schemaErrors(declared.getContent().get(mediaType).getSchema(), Json.decodeValue(answer.body()))
						.ifPresent(errors -> violations.add(where + ": " + errors));
				}
				catch (DecodeException ex) {
					violations.add(where + ": the body is not JSON: " + ex.getMessage());
				}
			}
		}
		return violations;
	}

	/** The errors of a value against a schema of the contract, if it has any. */
	private Optional<String> schemaErrors(JsonSchema schema, Object value) {
		OutputUnit result = this.contract.getSchemaRepository().validator(schema).validate(value);
		return Boolean.TRUE.equals(result.getValid()) ? Optional.empty() : Optional.of(errors(result));
	}

	/** The declared media type this Content-Type is (parameters such as charset aside), or null. */
	private static String declaredMediaType(Response declared, String contentType) {
		if (contentType == null) {
			return null;
		}
		String type = contentType.split(";", 2)[0].trim();
		return declared.getContent().keySet().stream().filter(type::equalsIgnoreCase).findFirst().orElse(null);
	}

	private List<String> outsideTheSpec(Answer answer) {
		if (BESIDE_THE_API.stream().anyMatch(answer.rawPath()::startsWith)
				&& (answer.status() < 400 || (answer.rawPath().startsWith("/actuator/health") && answer.status() == 503))) {
			return List.of();
		}
		if (answer.status() < 400) {
			return List.of("the route is not in openapi.yaml, yet it answered " + answer.status());
		}
		String contentType = answer.contentType();
		if (contentType == null || !contentType.split(";", 2)[0].trim().equalsIgnoreCase(PROBLEM_JSON)) {
			return List.of("an error on a route openapi.yaml does not have must be " + PROBLEM_JSON + ", not "
					+ contentType);
		}
		JsonObject problem = this.contract.getRawContract()
			.getJsonObject("components", new JsonObject())
			.getJsonObject("schemas", new JsonObject())
			.getJsonObject("Problem");
		if (problem == null) {
			return List.of("openapi.yaml has no components.schemas.Problem to check this error against");
		}
		Object body;
		try {
			body = Json.decodeValue(answer.body());
		}
		catch (DecodeException | NullPointerException ex) {
			return List.of("the problem is not JSON: " + ex.getMessage());
		}
		return schemaErrors(JsonSchema.of(problem), body)
			.map(errors -> List.of("the problem does not match the Problem schema: " + errors))
			.orElse(List.of());
	}

	/** Each innermost error: where in the answer (a JSON pointer) and what is wrong there. */
	private static String errors(OutputUnit result) {
		List<String> errors = new ArrayList<>();
		collect(result, errors);
		return String.join("; ", errors);
	}

	private static void collect(OutputUnit unit, List<String> errors) {
		if (unit.getErrors() != null && !unit.getErrors().isEmpty()) {
			unit.getErrors().forEach(error -> collect(error, errors));
		}
		else if (unit.getError() != null) {
			errors.add(unit.getInstanceLocation() + ": " + unit.getError());
		}
	}

	private static <T> T await(Future<T> future, String what) {
		try {
			return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(what + ": " + ex.getCause().getMessage(), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException(what + ": not read in 60 s", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(what, ex);
		}
	}

	/** Fails, naming the request, the answer and each violation, when the answer breaks the contract. */
	public void check(Answer answer) {
		List<String> violations = violations(answer);
		if (!violations.isEmpty()) {
			throw new AssertionError("The answer does not keep openapi.yaml:\n  " + answer + "\n  - "
					+ String.join("\n  - ", violations));
		}
	}

	public void check(HttpResponse<String> response) {
		check(Answer.of(response));
	}

	/**
	 * The same check for {@code MockMvc}; a request whose handler went asynchronous has no answer yet (its
	 * {@code asyncDispatch} is checked).
	 */
	public ResultMatcher matcher() {
		return result -> {
			if (!result.getRequest().isAsyncStarted()) {
				check(Answer.of(result.getRequest(), result.getResponse()));
			}
		};
	}

}
