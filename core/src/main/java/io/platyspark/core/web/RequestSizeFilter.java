package io.platyspark.core.web;

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
 * Refuses request bodies above the configured size with 413: by their declared length, or while reading one sent
 * without a length (chunked). Artifact uploads have a limit of their own.
 *
 * <p>A chunked body can only be judged while it is read, deep inside a JSON parser or an upload's copy loop; the
 * stream then throws {@link BodyTooLargeException}, an unchecked exception so that no parser turns it into "bad
 * JSON at args[130]" and no copy loop into an I/O failure. {@link ProblemDetailAdvice} answers it, and this filter
 * does when it reaches here (a handler without that advice).
 */
public class RequestSizeFilter extends OncePerRequestFilter {

    private final long defaultMaxBytes;
    private final long uploadMaxBytes;
    private final String uploadPath;

    public RequestSizeFilter(long defaultMaxBytes, long uploadMaxBytes, String uploadPath) {
        this.defaultMaxBytes = defaultMaxBytes;
        this.uploadMaxBytes = uploadMaxBytes;
        this.uploadPath = uploadPath;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean upload = request.getRequestURI().equals(uploadPath);
        long maxBytes = upload ? uploadMaxBytes : defaultMaxBytes;
        String setting = upload ? "platy.artifacts.max-upload-size" : "platy.security.max-request-size";
        if (request.getContentLengthLong() > maxBytes) {
            tooLarge(request, response, new BodyTooLargeException(maxBytes, setting));
            return;
        }
        try {
            chain.doFilter(new Limited(request, maxBytes, setting), response);
        } catch (BodyTooLargeException e) {
            tooLarge(request, response, e);
        } catch (ServletException e) {
            if (!(e.getRootCause() instanceof BodyTooLargeException tooLarge)) {
                throw e;
            }
            tooLarge(request, response, tooLarge);
        }
    }

    static void tooLarge(HttpServletRequest request, HttpServletResponse response, BodyTooLargeException e)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        // The rest of the body is not read: close the connection rather than drain it.
        response.setHeader("Connection", "close");
        ProblemResponses.write(request, response, 413, "body-too-large", "Request body too large", e.getMessage());
    }

    /** Counts what the body delivers and stops it at the limit. */
    private static final class Limited extends HttpServletRequestWrapper {

        private final long max;
        private final String setting;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long max, String setting) {
            super(request);
            this.max = max;
            this.setting = setting;
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
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int off, int len) throws IOException {
                        int n = in.read(buffer, off, len);
                        if (n > 0) {
                            count(n);
                        }
                        return n;
                    }

                    private void count(int n) {
                        read += n;
                        if (read > max) {
                            throw new BodyTooLargeException(max, setting);
                        }
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
