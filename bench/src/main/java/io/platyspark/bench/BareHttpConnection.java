package io.platyspark.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One kept-alive HTTP/1.1 connection that sends JSON POSTs and reads only what a load generator needs (status,
 * {@code Retry-After}, {@code Connection: close} and the body as text), as wrk would. The JDK's
 * {@code HttpClient} cost a bursting client about 2 ms of CPU per request, taken from the server it measures when
 * both share a machine; a real team's client runs elsewhere. Not thread-safe: one per thread.
 */
final class BareHttpConnection implements Closeable {

    /** The answer's status, its {@code Retry-After} in seconds (0 when absent) and its body (UTF-8). */
    record Answer(int status, long retryAfterSeconds, String body) {}

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean answered; // a byte of the current answer was read

    BareHttpConnection(String base) {
        URI uri = URI.create(base);
        this.host = uri.getHost();
        this.port = uri.getPort();
    }

    /**
     * POSTs {@code json} to {@code path} as {@link #post} does and answers the body of its 202; any other answer is an
     * {@link IllegalStateException} naming its status and body.
     */
    String postAccepted(String path, String token, String json) throws IOException {
        Answer answer = post(path, token, json);
        if (answer.status() != 202) {
            throw new IllegalStateException("POST " + path + " -> " + answer.status() + ": " + answer.body());
        }
        return answer.body();
    }

    /**
     * POSTs {@code json} to {@code path}. A kept-alive connection that fails before any byte of the answer came back
     * (the server closed it while it was idle) is opened again once; any other failure is thrown.
     */
    Answer post(String path, String token, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        boolean reused = socket != null;
        if (!reused) {
            open();
        }
        try {
            return exchange(head, body);
        } catch (IOException e) {
            close();
            // Closed by the server while idle: the write fails (broken pipe, reset) or nothing comes back.
            if (!reused || answered) {
                throw e;
            }
            open();
            return exchange(head, body);
        }
    }

    private Answer exchange(byte[] head, byte[] body) throws IOException {
        answered = false;
        out.write(head);
        out.write(body);
        out.flush();
        String status = line(true);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + status);
        }
        int code = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        boolean closes = false;
        long retryAfter = 0;
        for (String header; !(header = line(false)).isEmpty(); ) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" ->
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closes = value.equalsIgnoreCase("close");
                case "retry-after" -> retryAfter = Long.parseLong(value);
                default -> {
                    // not needed
                }
            }
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream(length > 0 ? (int) length : 256);
        if (chunked) {
            for (long size; (size = Long.parseLong(line(false).split(";")[0].trim(), 16)) > 0; ) {
                read(size, content);
                line(false);
            }
            while (!line(false).isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            read(length, content);
        } else if (length < 0) {
            closes = true; // the body ends when the server closes
            in.transferTo(content);
        }
        if (closes) {
            close();
        }
        return new Answer(code, retryAfter, content.toString(StandardCharsets.UTF_8));
    }

    /** A CRLF-terminated line; at the status line, an immediate end of stream is an {@link EOFException}. */
    private String line(boolean first) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                if (first && bytes.size() == 0) {
                    throw new EOFException("the server closed the connection");
                }
                throw new IOException("the answer ended early");
            }
            answered = true;
            if (b != '\r') {
                bytes.write(b);
            }
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private void read(long n, ByteArrayOutputStream to) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        for (long left = n; left > 0; ) {
            int read = in.read(buffer, 0, (int) Math.min(left, buffer.length));
            if (read < 0) {
                throw new IOException("the answer ended early");
            }
            to.write(buffer, 0, read);
            left -= read;
        }
    }

    private void open() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(60_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
