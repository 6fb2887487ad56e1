package io.platyspark.core.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a query string the servlet container cannot parse ({@code ?=x}, {@code ?a=%zz}) with 400 before anything
 * else reads it. Tomcat parses parameters lazily and throws on the first read, wherever that is (a filter, an
 * argument resolver), which used to surface as a 500 quoting the raw value in the log. Only the query is parsed
 * here: a form body is left for its handler (and the size limit).
 */
public class MalformedRequestFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getQueryString() != null && !isForm(request)) {
            try {
                request.getParameterMap();
            } catch (IllegalStateException | IllegalArgumentException e) {
                // Tomcat's InvalidParameterException (an IllegalStateException) quotes the raw value: never logged.
                ProblemResponses.write(
                        request,
                        response,
                        400,
                        "malformed-query",
                        "Malformed query string",
                        "the query string cannot be parsed: every parameter needs a name and percent-escapes must be "
                                + "'%' and two hex digits of UTF-8 (encode a literal '%' as %25)");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private static boolean isForm(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }
}
