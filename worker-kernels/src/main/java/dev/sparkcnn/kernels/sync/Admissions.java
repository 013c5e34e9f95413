package dev.sparkcnn.kernels.sync;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts the connections of a server socket and runs each one's handshake on its own thread, so
 * that no connection can hold up another: a handshake that has not finished within its time limit
 * is cut off (its socket closed, whatever it is blocked on), and when too many are pending the
 * oldest is cut off first. Every refused connection is reported with the peer's address.
 */
final class Admissions implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Admissions.class);
    static final int MAX_PENDING = 32;
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    /** One connection's handshake, on its own thread. */
    interface Handler {
        /**
         * Authenticates {@code socket}.
         *
         * @return what to do with the admitted socket, run once it is safe from the time limit;
         *         null to close it
         * @throws IOException to refuse it: it is reported and closed
         */
        Runnable admit(Socket socket) throws IOException;
    }

    /** Where refusals go: {@link #LOGGED} in production, a recorder in tests. */
    interface Reporter {
        void refused(String server, SocketAddress peer, String reason);
    }

    /** Logs each refusal as a warning naming the server and the peer's address. */
    static final Reporter LOGGED = (server, peer, reason) ->
            LOG.warn("{}: refused a connection from {}: {}", server, peer, reason);

    private final String name;
    private final ServerSocket server;
    private final long limitMillis;
    private final Handler handler;
    private final Reporter reporter;
    private final Deque<Pending> pending = new ArrayDeque<>(); // guarded by this
    private volatile boolean closed;

    private Admissions(String name, ServerSocket server, Duration limit, Handler handler, Reporter reporter) {
        this.name = name;
        this.server = server;
        this.limitMillis = limit.toMillis();
        this.handler = handler;
        this.reporter = reporter;
    }

    /** Starts accepting on {@code server} (on a daemon thread) until {@link #close()}. */
    static Admissions start(String name, ServerSocket server, Duration limit, Handler handler, Reporter reporter) {
        Admissions admissions = new Admissions(name, server, limit, handler, reporter);
        Thread acceptor = new Thread(admissions::acceptLoop, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return admissions;
    }

    private void acceptLoop() {
        while (!closed && !server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                if (!closed && !server.isClosed()) {
                    LOG.warn("{}: accept failed: {}", name, e.toString());
                }
                continue;
            }
            admit(socket);
        }
    }

    private void admit(Socket socket) {
        Pending p = new Pending(socket);
        Pending evicted = null;
        synchronized (this) {
            if (closed) {
                RingCollective.closeQuietly(socket);
                return;
            }
            if (pending.size() >= MAX_PENDING) {
                evicted = pending.pollFirst();
            }
            pending.addLast(p);
        }
        if (evicted != null) {
            evicted.cut(MAX_PENDING + " handshakes were pending; the oldest was cut off");
        }
        p.timer = TIMER.schedule(() -> p.cut("no complete handshake within " + limitMillis + " ms"),
                limitMillis, TimeUnit.MILLISECONDS);
        Thread thread = new Thread(() -> handshake(p), name + "-admit");
        thread.setDaemon(true);
        thread.start();
    }

    private void handshake(Pending p) {
        String refusal = null;
        Runnable admitted = null;
        try {
            admitted = handler.admit(p.socket);
        } catch (IOException | RuntimeException e) {
            refusal = reason(e);
        }
        p.timer.cancel(false);
        synchronized (this) {
            pending.remove(p);
        }
        String cut = p.finish();
        if (cut != null) {
            refusal = cut;
            admitted = null;
        }
        if (admitted != null) {
            admitted.run();
            return;
        }
        RingCollective.closeQuietly(p.socket);
        if (refusal != null && !closed) {
            reporter.refused(name, p.peer, refusal);
        }
    }

    private static String reason(Exception e) {
        if (e instanceof Handshake.Refused) {
            return e.getMessage();
        }
        if (e instanceof EOFException) {
            return "it closed the connection during the handshake";
        }
        return e.toString();
    }

    /** Stops accepting, closes the server socket and every connection still in its handshake. */
    @Override
    public void close() {
        closed = true;
        RingCollective.closeQuietly(server);
        List<Pending> left;
        synchronized (this) {
            left = new ArrayList<>(pending);
            pending.clear();
        }
        left.forEach(p -> p.cut("closed"));
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sparkcnn-handshake-limit");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** A connection in its handshake: either it finishes first, or it is cut off first. */
    private static final class Pending {
        final Socket socket;
        final SocketAddress peer;
        volatile ScheduledFuture<?> timer;
        private boolean finished; // guarded by this
        private String cut; // guarded by this

        Pending(Socket socket) {
            this.socket = socket;
            this.peer = socket.getRemoteSocketAddress();
        }

        synchronized void cut(String reason) {
            if (!finished && cut == null) {
                cut = reason;
                RingCollective.closeQuietly(socket);
            }
        }

        /** Marks the handshake finished; the reason it was cut off before that, if it was. */
        synchronized String finish() {
            finished = true;
            return cut;
        }
    }
}
