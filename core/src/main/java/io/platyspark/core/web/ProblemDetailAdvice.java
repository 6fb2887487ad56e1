package io.platyspark.core.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Every problem+json an API app answers carries a stable {@code type} and the {@code requestId}: also those Spring
 * MVC writes itself (404 unknown path, 405, 406, 415, a missing parameter), which come as {@code about:blank}.
 * Runs first, so a body grown too large while read is 413 whatever catch-all a later advice has.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ProblemDetailAdvice implements ResponseBodyAdvice<Object> {

    @ExceptionHandler
    void onBodyTooLarge(BodyTooLargeException e, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        RequestSizeFilter.tooLarge(request, response, e);
    }

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(
            Object written,
            MethodParameter returnType,
            MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType,
            ServerHttpRequest request,
            ServerHttpResponse response) {
        if (!(written instanceof ProblemDetail body)) {
            return written;
        }
        if (body.getType() == null || "about:blank".equals(body.getType().toString())) {
            body.setType(URI.create(ProblemResponses.TYPE_PREFIX + ProblemResponses.typeFor(body.getStatus())));
        }
        if (body.getProperties() == null || !body.getProperties().containsKey("requestId")) {
            String id = response instanceof ServletServerHttpResponse servlet
                    ? ProblemResponses.requestId(servlet.getServletResponse())
                    : null;
            if (id != null) {
                body.setProperty("requestId", id);
            }
        }
        return body;
    }
}
