package io.platyspark.core.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page ({@code /error}): what failed outside Spring MVC (a filter, the firewall without a
 * handler) is problem+json too, never Boot's {@code {timestamp, error, path}} or an HTML page. The failure's
 * message is not echoed: it can quote the raw request.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Called by name rather than as the container's error page: there is no such API path.
        int status = code == null ? 404 : code instanceof Integer i && i >= 400 ? i : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (status >= 500 && failure != null) {
            log.error(
                    "request failed outside the controllers: {}",
                    failure.getClass().getName());
            log.debug("request failure", failure);
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        String detail = status >= 500
                ? "the server failed unexpectedly; report the requestId to the platform team"
                : status == 404
                        ? "there is no such path; see /v3/api-docs for the API"
                        : "the request was refused (" + title + ")";
        ProblemResponses.write(
                new InstanceOf(request, uri), response, status, ProblemResponses.typeFor(status), title, detail);
    }

    /** The failed request's path as the problem's instance, not {@code /error}. */
    private static final class InstanceOf extends jakarta.servlet.http.HttpServletRequestWrapper {

        private final Object uri;

        InstanceOf(HttpServletRequest request, Object uri) {
            super(request);
            this.uri = uri;
        }

        @Override
        public String getRequestURI() {
            return uri instanceof String s ? s : super.getRequestURI();
        }
    }
}
