package io.codebase.registry.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.codebase.registry.support.ApiResponse;
import io.codebase.registry.support.ApiTest;
import io.codebase.registry.support.Json;
import io.codebase.registry.support.RegistryClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.support.Projects.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Swagger UI as a user meets it, in Debian's Chromium driven through Debian's chromedriver (both installed by
 * {@code .ci/run}): authorize with an API key in the Authorize dialog, then "Try it out" and Execute for create
 * project and for resolve, with each form exactly as it comes up plus the one value a user types, and read what
 * Swagger UI shows: the request URL, the headers of its curl command, the status and the response. Catches what
 * only a browser sees: a server URL other than the page's own, parameters pre-filled with their examples, a
 * security scheme the dialog cannot fill.
 * <p>
 * A missing browser or driver fails the test: CI installs both, so missing means a broken machine, not a reason
 * to skip. Selenium Manager (which would download a driver) is never consulted, because the driver's path is
 * given. On failure the page's screenshot and source are saved under {@code target/swagger-ui-browser/}, and the
 * failure message says where.
 */
@ApiTest(properties = { "registry.security.keys[0].name=browser", "registry.security.keys[0].role=admin",
		"registry.security.keys[0].key=" + SwaggerUiBrowserIT.KEY })
class SwaggerUiBrowserIT {

	static final String KEY = "browser-key-5c2e9a71d4";

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path EVIDENCE = Path.of("target", "swagger-ui-browser");

	/** Without the background-networking flags Chromium keeps dialling Google's hosts, which this network refuses. */
	private static final List<String> CHROMIUM_FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
			"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
			"--disable-sync", "--window-size=1400,2000");

	/** Long enough for CREATE DATABASE on a loaded 2-core machine; every wait ends there at the latest. */
	private static final Duration DEADLINE = Duration.ofSeconds(60);

	private final RegistryClient admin;

	private final List<String> createdNames = new ArrayList<>();

	@LocalServerPort
	int port;

	@TempDir
	Path profile;

	private ChromeDriver browser;

	private WebDriverWait waits;

	/** Runs as the test method fails, before {@code @AfterEach} closes the browser, so the page is still there. */
	@RegisterExtension
	final TestExecutionExceptionHandler evidence = this::saveEvidence;

	SwaggerUiBrowserIT(RegistryClient api) {
		this.admin = api.withKey(KEY);
	}

	@BeforeAll
	static void browserIsInstalled() {
		for (Path program : List.of(CHROMIUM, CHROMEDRIVER)) {
			if (!Files.isExecutable(program)) {
				fail(program + " is missing: this test needs Debian's chromium and chromium-driver "
						+ "(apt-get install chromium chromium-driver, as .ci/run does)");
			}
		}
	}

	@BeforeEach
	void openBrowser() {
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			.addArguments(CHROMIUM_FLAGS)
			.addArguments("--user-data-dir=" + this.profile);
		ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(driver, options);
		this.browser.manage().timeouts().pageLoadTimeout(DEADLINE).scriptTimeout(DEADLINE);
		// A re-render replaces elements under a wait: look again rather than fail.
		this.waits = new WebDriverWait(this.browser, DEADLINE);
		this.waits.ignoring(StaleElementReferenceException.class);
	}

	@AfterEach
	void closeBrowserAndDeleteProjects() {
		if (this.browser != null) {
			this.browser.quit();
		}
		for (String name : this.createdNames) {
			ApiResponse project = this.admin.getProject(name);
			if (project.status() == 200) {
				assertThat(this.admin.delete(project.json().get("id").asString()).status()).isEqualTo(204);
			}
		}
	}

	@Test
	void createAndResolveFromTheFormsAsTheyComeUpPlusTheProjectName() {
		this.browser.get("http://localhost:" + this.port + "/swagger-ui.html");
		authorize();

		// Twice, as a user registering two projects would: a value the form pre-fills and the user leaves alone
		// must not turn the second request into another one.
		String first = uniqueName("ui-first");
		String second = uniqueName("ui-second");
		this.createdNames.addAll(List.of(first, second));
		WebElement create = tryItOut("createProject");
		assertSent(execute(create, "name", first), "/api/v1/projects", "201", first);
		assertSent(execute(create, "name", second), "/api/v1/projects", "201", second);
		assertThat(this.admin.getProject(second).status()).isEqualTo(200);

		WebElement resolve = tryItOut("resolve");
		assertSent(execute(resolve, "project", first), "/api/v1/resolutions", "200", first);
	}

	/** Types the API key into the Authorize dialog's Bearer field and closes the dialog, as a user would. */
	private void authorize() {
		until("the Authorize button", d -> d.findElement(By.cssSelector(".auth-wrapper button.authorize"))).click();
		WebElement bearer = until("the Bearer field of the Authorize dialog",
				d -> visible(d.findElement(By.cssSelector("input[aria-label='auth-bearer-value']"))));
		bearer.sendKeys(KEY);
		bearer.findElement(By.xpath("ancestor::form")).findElement(By.cssSelector("button.authorize")).click();
		until("the dialog's Close button", d -> d.findElement(By.cssSelector(".modal-ux button.btn-done"))).click();
		until("the Authorize button to show the lock", d -> d.findElement(By.cssSelector(".auth-wrapper button.authorize.locked")));
	}

	/** Expands the operation and presses "Try it out". */
	private WebElement tryItOut(String operationId) {
		WebElement operation = until("operation " + operationId,
				d -> d.findElement(By.cssSelector("div.opblock[id^='operations-'][id$='-" + operationId + "']")));
		operation.findElement(By.cssSelector(".opblock-summary-control")).click();
		until("Try it out of " + operationId, d -> visible(operation.findElement(By.cssSelector("button.try-out__btn")))).click();
		return operation;
	}

	/**
	 * Types one string member's value into the request body the form shows (over the value the form has, or as a
	 * new first member), leaving the rest as it is; presses Execute and reads what Swagger UI shows.
	 */
	private Shown execute(WebElement operation, String member, String value) {
		for (WebElement clear : operation.findElements(By.cssSelector("button.btn-clear"))) {
			clear.click();
			until("the previous response to be cleared", d -> operation.findElements(By.cssSelector(".live-responses-table")).isEmpty());
		}
		WebElement body = until("the request body", d -> visible(operation.findElement(By.cssSelector("textarea.body-param__text"))));
		String form = body.getDomProperty("value");
		ObjectNode request = (ObjectNode) Json.parse(form);
		Matcher current = Pattern.compile("\"" + member + "\"\\s*:\\s*\"([^\"\\\\]*)\"").matcher(form);
		if (current.find()) {
			typeOver(body, current.start(1), current.end(1), value);
		}
		else {
			typeOver(body, form.indexOf('{') + 1, form.indexOf('{') + 1,
					"\"" + member + "\": \"" + value + "\"" + (request.isEmpty() ? "" : ", "));
		}
		request.put(member, value);
		assertThat(Json.parse(body.getDomProperty("value"))).as("the request body after typing").isEqualTo(request);
		operation.findElement(By.cssSelector("button.execute")).click();
		WebElement status = until("the response to " + request,
				d -> visible(operation.findElement(By.cssSelector(".live-responses-table .response .response-col_status"))));
		return new Shown(operation.findElement(By.cssSelector(".request-url pre")).getText().strip(),
				operation.findElement(By.cssSelector(".curl-command")).getText(), status.getText().strip(),
				operation.findElement(By.cssSelector(".live-responses-table")).getText());
	}

	/** Selects the text from start to end in the field and types the text over it, key by key. */
	private void typeOver(WebElement field, int start, int end, String text) {
		this.browser.executeScript("arguments[0].focus(); arguments[0].setSelectionRange(arguments[1], arguments[2]);",
				field, start, end);
		new Actions(this.browser).sendKeys(text).perform();
	}

	/**
	 * The request went to this service (the page's own origin) with no header the user did not give (only the key
	 * from the Authorize dialog and Swagger UI's own accept and Content-Type), and Swagger UI shows the status and
	 * the project.
	 */
	private void assertSent(Shown shown, String path, String status, String name) {
		assertThat(shown.requestUrl()).as("request URL; Swagger UI shows:%n%s", shown).isEqualTo("http://localhost:" + this.port + path);
		assertThat(Pattern.compile("-H '([^:']+):").matcher(shown.curl()).results().map(header -> header.group(1)))
			.as("headers sent; Swagger UI shows:%n%s", shown)
			.containsExactlyInAnyOrder("accept", "Authorization", "Content-Type");
		assertThat(shown.status()).as("status; Swagger UI shows:%n%s", shown).isEqualTo(status);
		assertThat(shown.response()).as("response; Swagger UI shows:%n%s", shown).contains("\"" + name + "\"");
	}

	private <T> T until(String what, Function<WebDriver, T> condition) {
		return this.waits.withMessage("waiting for " + what).until(condition);
	}

	/** The element when it is displayed; null (wait on) while it is not. */
	private static WebElement visible(WebElement element) {
		return element.isDisplayed() ? element : null;
	}

	/** What Swagger UI shows of an executed request. */
	private record Shown(String requestUrl, String curl, String status, String response) {

		@Override
		public String toString() {
			return this.curl + "\n" + this.response;
		}

	}

	private void saveEvidence(ExtensionContext context, Throwable failure) throws Throwable {
		if (this.browser == null) {
			throw failure;
		}
		String name = context.getRequiredTestMethod().getName();
		Path screenshot = EVIDENCE.resolve(name + ".png").toAbsolutePath();
		Path source = EVIDENCE.resolve(name + ".html").toAbsolutePath();
		try {
			Files.createDirectories(EVIDENCE);
			Files.write(screenshot, this.browser.getScreenshotAs(OutputType.BYTES));
			Files.writeString(source, this.browser.getPageSource(), StandardCharsets.UTF_8);
		}
		catch (IOException | RuntimeException ex) {
			// A browser that died cannot be photographed; the test's own failure is what matters.
			failure.addSuppressed(ex);
			throw failure;
		}
		throw new AssertionError(failure.getMessage() + "\nSwagger UI as it was: screenshot " + screenshot
				+ ", page source " + source, failure);
	}

}
