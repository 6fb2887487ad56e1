package io.platyspark.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the server, to break the network on purpose: cut every open connection, refuse new ones
 * for a while, or hold back the first connection's answer until after the client has given up.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean refusing;
    private volatile Duration stallFirst;

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Closes every open connection, as a dropped network would. */
    void cutAll() {
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        open.clear();
    }

    /** While on, new connections are closed at once. */
    void refuse(boolean on) {
        refusing = on;
    }

    /** The first connection's answer reaches the client only after this long (the server did its work). */
    void stallFirstResponse(Duration delay) {
        stallFirst = delay;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (refusing) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                boolean stall = connections.incrementAndGet() == 1 && stallFirst != null;
                pipe(client, upstream, null);
                pipe(upstream, client, stall ? stallFirst : null);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to, Duration delay) {
        Thread thread = new Thread(
                () -> {
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        byte[] buffer = new byte[8192];
                        int n;
                        boolean first = true;
                        while ((n = in.read(buffer)) >= 0) {
                            if (first && delay != null) {
                                Thread.sleep(delay.toMillis());
                            }
                            first = false;
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // the other side went away, or the test cut it
                    } finally {
                        try {
                            from.close();
                            to.close();
                        } catch (IOException ignored) {
                            // done
                        }
                    }
                },
                "tcp-proxy-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        cutAll();
    }
}
