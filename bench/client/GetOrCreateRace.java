import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Scenario 4 of bench/run.sh: N callers auto-create the same new project at the same moment.
 * <p>
 * Run as a single-file program: {@code java GetOrCreateRace.java BASE_URL NAME CALLERS OUT_DIR}. Every caller
 * has its own thread, blocked on one latch until all are ready, then POSTs the same inline config to
 * /api/v1/resolutions. Writes OUT_DIR/&lt;i&gt;.json (the body) and OUT_DIR/&lt;i&gt;.code ("status seconds", like
 * curl's -w '%{http_code} %{time_total}'), and prints the wall time from the release to the last answer.
 */
public class GetOrCreateRace {

	public static void main(String[] args) throws Exception {
		if (args.length != 4) {
			System.err.println("usage: java GetOrCreateRace.java BASE_URL NAME CALLERS OUT_DIR");
			System.exit(2);
		}
		String base = args[0];
		String name = args[1];
		int callers = Integer.parseInt(args[2]);
		Path out = Files.createDirectories(Path.of(args[3]));
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
		// Load the client's classes before the clock starts; the service is already warm.
		for (int i = 0; i < 3; i++) {
			client.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/liveness")).build(),
					HttpResponse.BodyHandlers.discarding());
		}
		String body = "{\"config\": {\"version\": \"1.0\", \"project\": {\"name\": \"" + name + "\"}}}";
		HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/resolutions"))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();

		CountDownLatch ready = new CountDownLatch(callers);
		CountDownLatch go = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int i = 1; i <= callers; i++) {
			int caller = i;
			Thread thread = new Thread(() -> {
				String code = "000";
				String answer = "";
				ready.countDown();
				long started = 0;
				try {
					go.await();
					started = System.nanoTime();
					HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
					code = Integer.toString(response.statusCode());
					answer = response.body();
				}
				catch (Exception ex) {
					answer = "{\"clientError\": \"" + ex.getClass().getSimpleName() + "\"}";
				}
				double seconds = (System.nanoTime() - started) / 1e9;
				try {
					Files.writeString(out.resolve(caller + ".json"), answer, StandardCharsets.UTF_8);
					Files.writeString(out.resolve(caller + ".code"), String.format("%s %.6f%n", code, seconds));
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}, "caller-" + caller);
			threads.add(thread);
			thread.start();
		}
		ready.await();
		long start = System.nanoTime();
		go.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		System.out.printf("%.3f%n", (System.nanoTime() - start) / 1e6);
	}

}
