package io.codebase.registry.web;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.catalina.Host;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * Requests Tomcat refuses before any servlet sees them (an encoded {@code /} or {@code \} in the path, a
 * malformed request line, headers over {@code server.max-http-request-header-size}) are answered by Tomcat's
 * error report valve, which writes an HTML page. This replaces that valve with one that writes the same
 * problem shape as the rest of the API.
 */
@Component
class ContainerErrors implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		factory.addContextCustomizers(context -> {
			if (context.getParent() instanceof Host host && host instanceof StandardHost standard) {
				standard.setErrorReportValveClass(ProblemReportValve.class.getName());
			}
		});
	}

	/** Tomcat's error report as a problem: status and reason only, never a message or stack trace. */
	public static class ProblemReportValve extends ErrorReportValve {

		private static final JsonMapper JSON = JsonMapper.builder().build();

		@Override
		protected void report(Request request, Response response, Throwable throwable) {
			int status = response.getStatus();
			if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
				return;
			}
			ProblemDetail problem = ProblemFactory.forStatus(status, (status == HttpStatus.BAD_REQUEST.value())
					? "The request is malformed (request line, path encoding or headers) and was refused before it was read"
					: ProblemFactory.NOT_PROCESSED).getBody();
			// The members Spring MVC writes for a ProblemDetail, in its order; the text is ASCII, so no charset.
			Map<String, Object> members = new LinkedHashMap<>();
			members.put("type", String.valueOf(problem.getType()));
			members.put("title", problem.getTitle());
			members.put("status", problem.getStatus());
			members.put("detail", problem.getDetail());
			try {
				response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
				Writer writer = response.getReporter();
				if (writer != null) {
					writer.write(JSON.writeValueAsString(members));
					response.finishResponse();
				}
			}
			catch (IOException | IllegalStateException ex) {
				// The connection is gone or the response already committed: nothing more can be sent.
			}
		}

	}

}
