package dev.books;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder that can cut the network between the service and its database: {@link #cut()} closes
 * the listener and every forwarded connection (clients see resets and refused connections), {@link #restore()}
 * listens again on the same port.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile Duration connectDelay = Duration.ZERO;

    private TcpProxy(InetSocketAddress target, int port) {
        this.target = target;
        this.port = port;
    }

    /**
     * Starts forwarding a free loopback port to the target.
     *
     * @param host target host
     * @param port target port
     * @return the running proxy
     * @throws IOException when it cannot listen
     */
    public static TcpProxy start(String host, int port) throws IOException {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port), free);
        proxy.restore();
        return proxy;
    }

    /**
     * The port the proxy listens on (on 127.0.0.1).
     *
     * @return port
     */
    public int port() {
        return port;
    }

    /**
     * Simulates a slow network: every new connection reaches the target only after this delay.
     *
     * @param delay delay before connecting to the target
     */
    public void delayConnections(Duration delay) {
        connectDelay = delay;
    }

    /**
     * Simulates an outage: refuses new connections and breaks the open ones.
     */
    public synchronized void cut() {
        closeQuietly(listener);
        listener = null;
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    /**
     * Ends the outage: accepts connections again.
     *
     * @throws IOException when the port cannot be bound
     */
    public synchronized void restore() throws IOException {
        if (listener != null) {
            return;
        }
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        listener = server;
        Thread.ofVirtual().name("proxy-accept").start(() -> accept(server));
    }

    @Override
    public void close() {
        cut();
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread.ofVirtual().start(() -> forward(client));
            } catch (IOException e) {
                // Listener closed by cut(): stop accepting.
            }
        }
    }

    private void forward(Socket client) {
        Socket upstream = new Socket();
        try {
            Thread.sleep(connectDelay);
            upstream.connect(target, 2000);
        } catch (IOException | InterruptedException e) {
            // The target refused: the client sees its connection close.
            closeQuietly(upstream);
            closeQuietly(client);
            sockets.remove(client);
            return;
        }
        sockets.add(upstream);
        Thread.ofVirtual().start(() -> pump(client, upstream));
        pump(upstream, client);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) != -1) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // Connection broken: close both directions.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
