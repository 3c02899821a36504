package io.codebase.registry.deployment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container image's {@code HEALTHCHECK}: asks one URL (the liveness probe) and exits {@code 0} when it answers
 * 2xx, {@code 1} otherwise.
 * <p>
 * It exists because the Temurin JRE base image is not guaranteed to ship {@code curl} or {@code wget}, and installing
 * one would add a package (and its CVEs) to the runtime image for a single request. The class uses {@code java.base}
 * only, so the image's own JRE runs it from {@code BOOT-INF/classes} in a fraction of a second. Spring never loads it:
 * it carries no annotation and is not referenced by the application.
 */
public final class ContainerHealthCheck {

	/** Liveness probe of the service on its default port ({@code server.port} in application.yaml). */
	public static final String DEFAULT_URL = "http://localhost:8080/actuator/health/liveness";

	private static final int TIMEOUT_MILLIS = 3_000;

	private ContainerHealthCheck() {
	}

	public static void main(String[] args) {
		System.exit(check(args.length > 0 ? args[0] : DEFAULT_URL, TIMEOUT_MILLIS));
	}

	/**
	 * @return {@code 0} when {@code url} answered a 2xx status within the timeout, {@code 1} otherwise
	 */
	static int check(String url, int timeoutMillis) {
		HttpURLConnection connection = null;
		try {
			connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
			connection.setConnectTimeout(timeoutMillis);
			connection.setReadTimeout(timeoutMillis);
			connection.setInstanceFollowRedirects(false);
			connection.setRequestProperty("Accept", "application/json");
			int status = connection.getResponseCode();
			drain(status < 400 ? connection.getInputStream() : connection.getErrorStream());
			if (status >= 200 && status < 300) {
				System.out.println("healthy: " + url + " answered " + status);
				return 0;
			}
			System.out.println("unhealthy: " + url + " answered " + status);
			return 1;
		}
		catch (IOException | IllegalArgumentException ex) {
			System.out.println("unhealthy: " + url + " failed: " + ex);
			return 1;
		}
		finally {
			if (connection != null) {
				connection.disconnect();
			}
		}
	}

	private static void drain(InputStream body) throws IOException {
		if (body != null) {
			try (body) {
				body.transferTo(OutputStream.nullOutputStream());
			}
		}
	}

}
