package io.platyspark.core.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;
import tools.jackson.databind.json.JsonMapper;

/** Writes RFC 9457 problem+json from filters, where no controller advice reaches. */
public final class ProblemResponses {

    public static final String TYPE_PREFIX = "urn:platyspark:problem:";
    private static final JsonMapper JSON = new JsonMapper();

    private ProblemResponses() {}

    public static void write(
            HttpServletRequest request,
            HttpServletResponse response,
            int status,
            String type,
            String title,
            String detail)
            throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(body(request.getRequestURI(), status, type, title, detail, requestId(response)));
    }

    /** The body alone, for places that write the response themselves (Tomcat's error valve). */
    static String body(String instance, int status, String type, String title, String detail, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        return JSON.writeValueAsString(body);
    }

    /** The request's id: from the log context, else the header {@link RequestIdFilter} already answered with. */
    static String requestId(HttpServletResponse response) {
        String id = MDC.get(RequestIdFilter.MDC_KEY);
        return id != null ? id : response.getHeader(RequestIdFilter.HEADER);
    }

    /** A stable {@code type} for a status that has no more specific one. */
    static String typeFor(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 408 -> "request-timeout";
            case 413 -> "body-too-large";
            case 414 -> "uri-too-long";
            case 415 -> "unsupported-media-type";
            case 431 -> "headers-too-large";
            case 505 -> "http-version-not-supported";
            default -> status >= 500 ? "internal-error" : "http-" + status;
        };
    }
}
