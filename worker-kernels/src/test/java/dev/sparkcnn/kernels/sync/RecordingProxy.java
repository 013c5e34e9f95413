package dev.sparkcnn.kernels.sync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: a TCP proxy in front of one address that forwards every connection and records
 * the bytes of each, in both directions.
 */
final class RecordingProxy implements AutoCloseable {
    /** What one connection carried. */
    static final class Recording {
        final ByteArrayOutputStream upstream = new ByteArrayOutputStream(); // client to target
        final ByteArrayOutputStream downstream = new ByteArrayOutputStream(); // target to client

        synchronized byte[] upstream() {
            return upstream.toByteArray();
        }

        synchronized byte[] downstream() {
            return downstream.toByteArray();
        }
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Recording> recordings = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    RecordingProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "recording-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    synchronized List<Recording> recordings() {
        return List.copyOf(recordings);
    }

    /** All bytes of all connections, both directions. */
    byte[] everything() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Recording r : recordings()) {
            all.writeBytes(r.upstream());
            all.writeBytes(r.downstream());
        }
        return all.toByteArray();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                Recording recording = new Recording();
                synchronized (this) {
                    recordings.add(recording);
                    sockets.add(client);
                    sockets.add(upstream);
                }
                pump(client.getInputStream(), upstream.getOutputStream(), recording, recording.upstream);
                pump(upstream.getInputStream(), client.getOutputStream(), recording, recording.downstream);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(InputStream in, OutputStream out, Recording lock, ByteArrayOutputStream record) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[1 << 16];
            try (in; out) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (lock) {
                        record.write(buffer, 0, n);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // either side closed: the recording ends here
            }
        }, "recording-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public synchronized void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
