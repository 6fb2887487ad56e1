package io.platyspark.server.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies above the configured size: by their declared length, or while reading a chunked one.
 * Artifact uploads have a limit of their own.
 */
class RequestSizeFilter extends OncePerRequestFilter {

    static final String UPLOADS = "/api/v1/artifacts";

    private final long defaultMaxBytes;
    private final long uploadMaxBytes;

    RequestSizeFilter(long defaultMaxBytes, long uploadMaxBytes) {
        this.defaultMaxBytes = defaultMaxBytes;
        this.uploadMaxBytes = uploadMaxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean upload = request.getRequestURI().equals(UPLOADS);
        long maxBytes = upload ? uploadMaxBytes : defaultMaxBytes;
        if (request.getContentLengthLong() > maxBytes) {
            ProblemResponses.write(request, response, 413, "body-too-large", "Request body too large",
                    "the body has " + request.getContentLengthLong() + " bytes; the limit is " + maxBytes
                            + (upload ? " (platy.artifacts.max-upload-size)" : " (platy.security.max-request-size)"));
            return;
        }
        chain.doFilter(new Limited(request, maxBytes), response);
    }

    /** Counts what a body without a declared length delivers and stops it at the limit. */
    private static final class Limited extends HttpServletRequestWrapper {

        private final long max;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0 && ++read > max) {
                            throw new IOException("request body exceeds " + max + " bytes");
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int off, int len) throws IOException {
                        int n = in.read(buffer, off, len);
                        if (n > 0 && (read += n) > max) {
                            throw new IOException("request body exceeds " + max + " bytes");
                        }
                        return n;
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
