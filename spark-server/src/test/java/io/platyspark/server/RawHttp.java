package io.platyspark.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP/1.1 over a plain socket, for what a well-behaved client library refuses to send: unparseable request lines,
 * raw non-ASCII header bytes, and bodies of any size streamed in chunks without a Content-Length.
 */
final class RawHttp {

    private static final JsonMapper JSON = new JsonMapper();

    private RawHttp() {}

    /** Sends {@code head} (request line and headers, without the blank line) with no body. */
    static Answer send(int port, byte[] head) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.write("\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return Answer.parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Streams {@code totalBytes} of {@code filler} after {@code prefix} as a chunked body, stopping early once the
     * server has answered; the answer is read concurrently, as the server may answer (and close) mid-body.
     */
    static Answer sendChunked(int port, String requestLine, String headers, byte[] prefix, byte filler, long totalBytes)
            throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(120_000);
            InputStream in = socket.getInputStream();
            CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return readUntilClosed(in);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            OutputStream out = socket.getOutputStream();
            try {
                out.write((requestLine + "\r\nHost: localhost\r\n" + headers + "Transfer-Encoding: chunked\r\n"
                                + "Connection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                if (prefix.length > 0) {
                    writeChunk(out, prefix, prefix.length); // an empty chunk would end the body
                }
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, filler);
                long sent = prefix.length;
                while (sent < totalBytes && !answer.isDone()) {
                    int n = (int) Math.min(chunk.length, totalBytes - sent);
                    writeChunk(out, chunk, n);
                    sent += n;
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // The server answered and closed the connection mid-body: its answer is what counts.
            }
            return Answer.parse(answer.get(2, TimeUnit.MINUTES));
        }
    }

    private static void writeChunk(OutputStream out, byte[] bytes, int length) throws IOException {
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes, 0, length);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                read.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // A reset after the answer arrived: keep what was read.
            if (read.size() == 0) {
                throw e;
            }
        }
        return read.toByteArray();
    }

    /** A parsed answer: status, headers (lower-case names) and the de-chunked body. */
    record Answer(int status, java.util.Map<String, String> headers, String body) {

        static Answer parse(byte[] raw) {
            String text = new String(raw, StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            java.util.Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            String body = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                StringBuilder joined = new StringBuilder();
                int at = 0;
                while (true) {
                    int lineEnd = body.indexOf("\r\n", at);
                    if (lineEnd < 0) {
                        break;
                    }
                    int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    joined.append(body, lineEnd + 2, lineEnd + 2 + size);
                    at = lineEnd + 2 + size + 2;
                }
                body = joined.toString();
            }
            return new Answer(status, headers, body);
        }

        String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        JsonNode json() {
            return JSON.readTree(body);
        }
    }
}
