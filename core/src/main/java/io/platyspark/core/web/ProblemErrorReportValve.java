package io.platyspark.core.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * What Tomcat refuses before any servlet runs (a request line or header it cannot parse, an HTTP version it does
 * not speak) is problem+json like everything else, instead of Tomcat's HTML page. No request id was made yet: one
 * is made here and returned in {@code X-Request-Id} and the body.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String requestId = response.getHeader(RequestIdFilter.HEADER);
        if (requestId == null) {
            requestId = UUID.randomUUID().toString();
            response.setHeader(RequestIdFilter.HEADER, requestId);
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        String detail = status >= 500
                ? "the server failed unexpectedly; report the requestId to the platform team"
                : "the server could not read this HTTP request (" + title + "): check the request line, the "
                        + "percent-encoding of the path and query, and the headers";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                // The path is left out: Tomcat could not parse it, and echoing it would repeat what it refused.
                writer.write(ProblemResponses.body(
                        null, status, ProblemResponses.typeFor(status), title, detail, requestId));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response was taken over: nothing more to say.
        }
    }
}
