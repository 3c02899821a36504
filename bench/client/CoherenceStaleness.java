import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 7 of bench/run.sh: cross-replica staleness. How long after a write is committed through replica A
 * does replica B, which had the old value cached, answer the new value over HTTP?
 * <p>
 * Run as a single-file program: {@code java CoherenceStaleness.java BASE_A BASE_B NAME WRITES OUT_DIR}. It creates
 * the project NAME on A, then WRITES times: resolves it on B (so B holds the current value in its cache), PATCHes
 * its description on A, and polls B's resolution back to back until the new description appears. Per write it
 * records two delays, one number per line (milliseconds):
 * <ul>
 * <li>OUT_DIR/after_ack_ms: from A's 200 (the commit happened before it) to B's first new answer, a lower bound
 * of the staleness;</li>
 * <li>OUT_DIR/after_send_ms: from sending the PATCH to B's first new answer, an upper bound (it includes the
 * write itself).</li>
 * </ul>
 * It also counts B's answers that were still stale after A's 200 (OUT_DIR/stale_polls), and prints a JSON summary.
 * The delays are measured to the end of a poll, so they include up to one B round trip.
 */
public class CoherenceStaleness {

	private static final Pattern ETAG = Pattern.compile("\"(\\d+)\"");

	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

	public static void main(String[] args) throws Exception {
		if (args.length != 5 && args.length != 6) {
			System.err.println("usage: java CoherenceStaleness.java BASE_A BASE_B NAME WRITES OUT_DIR [UNTIMED_WRITES]");
			System.exit(2);
		}
		String a = args[0];
		String b = args[1];
		String name = args[2];
		int writes = Integer.parseInt(args[3]);
		Path out = Files.createDirectories(Path.of(args[4]));
		// Untimed writes first, so both instances' write and notification paths are compiled before timing.
		int untimed = (args.length == 6) ? Integer.parseInt(args[5]) : 100;
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build();

		HttpResponse<String> created = send(client, HttpRequest.newBuilder(URI.create(a + "/api/v1/projects"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\"}")));
		if (created.statusCode() != 201) {
			throw new IllegalStateException("create answered " + created.statusCode() + ": " + created.body());
		}
		Matcher idMatch = ID.matcher(created.body());
		idMatch.find();
		String id = idMatch.group(1);
		String etag = created.headers().firstValue("ETag").orElseThrow();
		URI onB = URI.create(b + "/api/v1/resolutions?project=" + id);

		List<Double> afterAck = new ArrayList<>();
		List<Double> afterSend = new ArrayList<>();
		long stalePolls = 0;
		for (int i = 0; i < untimed + writes; i++) {
			String previous = (i == 0) ? null : "s7-" + (i - 1);
			String before = resolve(client, onB);
			if (previous != null && !before.contains("\"description\":\"" + previous + "\"")) {
				throw new IllegalStateException("B does not answer the previous value before write " + i + ": " + before);
			}
			String marker = "\"description\":\"s7-" + i + "\"";
			long sent = System.nanoTime();
			HttpResponse<String> patched = send(client, HttpRequest.newBuilder(URI.create(a + "/api/v1/projects/" + id))
				.header("Content-Type", "application/merge-patch+json")
				.header("If-Match", etag)
				.method("PATCH", HttpRequest.BodyPublishers.ofString("{\"description\": \"s7-" + i + "\"}")));
			long acknowledged = System.nanoTime();
			if (patched.statusCode() != 200) {
				throw new IllegalStateException("PATCH answered " + patched.statusCode() + ": " + patched.body());
			}
			etag = patched.headers().firstValue("ETag").orElseThrow();
			long deadline = acknowledged + Duration.ofSeconds(30).toNanos();
			while (!resolve(client, onB).contains(marker)) {
				stalePolls += (i < untimed) ? 0 : 1;
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("B still answers the old value 30 s after write " + i);
				}
			}
			long seen = System.nanoTime();
			if (i < untimed) {
				continue;
			}
			afterAck.add((seen - acknowledged) / 1e6);
			afterSend.add((seen - sent) / 1e6);
		}
		write(out.resolve("after_ack_ms"), afterAck);
		write(out.resolve("after_send_ms"), afterSend);
		Files.writeString(out.resolve("stale_polls"), stalePolls + "\n");
		System.out.printf(Locale.ROOT,
				"{\"writes\": %d, \"after_ack_ms\": {\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f}, "
						+ "\"after_send_ms\": {\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f}, \"stale_polls\": %d}%n",
				writes, percentile(afterAck, 0.50), percentile(afterAck, 0.99), percentile(afterAck, 1.0),
				percentile(afterSend, 0.50), percentile(afterSend, 0.99), percentile(afterSend, 1.0), stalePolls);
	}

	private static String resolve(HttpClient client, URI uri) throws Exception {
		HttpResponse<String> response = send(client, HttpRequest.newBuilder(uri).GET());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("resolution on B answered " + response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
		return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

	/** Nearest rank, like stats_json in bench/run.sh. */
	private static double percentile(List<Double> values, double p) {
		List<Double> sorted = values.stream().sorted().toList();
		int rank = (int) Math.ceil(p * sorted.size());
		return sorted.get(Math.max(0, rank - 1));
	}

	private static void write(Path file, List<Double> values) throws Exception {
		StringBuilder text = new StringBuilder();
		values.forEach(value -> text.append(String.format(Locale.ROOT, "%.3f%n", value)));
		Files.writeString(file, text);
	}

}
