package dev.sparkcnn.kernels.sync;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the replicas of a synchronous round learn each other's ring addresses: each connects to a
 * small server on the driver, registers (round, attempt, rank, world size, its address) with the
 * run's token, and receives every member's address, ordered by rank, once all have registered.
 *
 * <p>This replaces Spark's {@code BarrierTaskContext.allGather}, which sleeps in whole seconds
 * while it waits (Spark 3.5 polls its RPC future with {@code Thread.sleep(1000)}): at least one
 * second per round, which on short epochs cost more than the training.
 *
 * <p>A group is keyed by round and stage attempt, so a retried stage forms a new group; an
 * unfinished group of an earlier attempt of the same round is dropped. Registrations with a wrong
 * token are closed without an answer.
 */
public final class Rendezvous {
    private static final Logger LOG = LoggerFactory.getLogger(Rendezvous.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final int READ_TIMEOUT_MS = 30_000;

    private Rendezvous() {
    }

    /**
     * Registers with the server at {@code server} and waits for all {@code size} members of
     * {@code (round, attempt)}.
     *
     * @return the members' ring addresses, index = rank
     * @throws IOException if the server cannot be reached, does not answer within {@code timeout},
     *                     or {@code cancelled} becomes true while waiting
     */
    public static List<InetSocketAddress> join(InetSocketAddress server, long token, long round, int attempt, int rank,
                                               int size, InetSocketAddress self, Duration timeout,
                                               BooleanSupplier cancelled) throws IOException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        try (Socket socket = new Socket()) {
            InetSocketAddress address = server.isUnresolved()
                    ? new InetSocketAddress(server.getHostString(), server.getPort()) : server;
            socket.connect(address, (int) Math.min(timeout.toMillis(), READ_TIMEOUT_MS));
            socket.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            out.writeLong(token);
            out.writeLong(round);
            out.writeInt(attempt);
            out.writeInt(rank);
            out.writeInt(size);
            out.writeUTF(self.getHostString());
            out.writeInt(self.getPort());
            out.flush();
            PushbackInputStream first = new PushbackInputStream(new BufferedInputStream(socket.getInputStream()));
            socket.setSoTimeout((int) POLL.toMillis());
            int b;
            while (true) { // wait for the answer's first byte, checking for cancellation
                try {
                    b = first.read();
                    break;
                } catch (SocketTimeoutException e) {
                    if (cancelled.getAsBoolean()) {
                        throw new InterruptedIOException("rendezvous of round " + round + " cancelled");
                    }
                    if (System.currentTimeMillis() > deadline) {
                        throw new IOException("rendezvous of round " + round + ": not all " + size + " replicas "
                                + "registered with " + server + " within " + timeout.toSeconds() + " s");
                    }
                }
            }
            if (b < 0) {
                throw new IOException("rendezvous server " + server + " closed the connection of rank " + rank
                        + " in round " + round + " without an answer (wrong token, or the round was abandoned)");
            }
            first.unread(b);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            DataInputStream in = new DataInputStream(first);
            int n = in.readInt();
            if (n != size) {
                throw new IOException("rendezvous server " + server + " answered " + n + " members, expected " + size);
            }
            List<InetSocketAddress> members = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String host = in.readUTF();
                members.add(new InetSocketAddress(host, in.readInt()));
            }
            return members;
        }
    }

    /** The driver's side: accepts registrations on a daemon thread until closed. */
    public static final class Server implements Closeable {
        private final ServerSocket socket;
        private final long token;
        private final Thread acceptor;
        private final Map<Long, Group> groups = new HashMap<>(); // by round; guarded by this
        private volatile boolean closed;

        private Server(ServerSocket socket, long token) {
            this.socket = socket;
            this.token = token;
            this.acceptor = new Thread(this::acceptLoop, "sparkcnn-rendezvous-" + socket.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
        }

        /** Listens on {@code bindHost} (an ephemeral port) for registrations carrying {@code token}. */
        public static Server open(String bindHost, long token) throws IOException {
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(InetAddress.getByName(bindHost), 0), 64);
            } catch (IOException e) {
                socket.close();
                throw new IOException("rendezvous: cannot listen on " + bindHost + ": " + e.getMessage(), e);
            }
            return new Server(socket, token);
        }

        /** The port registrations go to. */
        public int port() {
            return socket.getLocalPort();
        }

        private void acceptLoop() {
            while (!closed) {
                try {
                    Socket client = socket.accept();
                    try {
                        register(client);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("rendezvous: dropped a registration from {}: {}", client.getRemoteSocketAddress(),
                                e.toString());
                        RingCollective.closeQuietly(client);
                    }
                } catch (IOException e) {
                    if (!closed) {
                        LOG.warn("rendezvous: accept failed: {}", e.toString());
                    }
                }
            }
        }

        private void register(Socket client) throws IOException {
            client.setSoTimeout(READ_TIMEOUT_MS);
            client.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream()));
            if (in.readLong() != token) {
                LOG.warn("rendezvous: registration with a wrong token from {}, closed", client.getRemoteSocketAddress());
                RingCollective.closeQuietly(client);
                return;
            }
            long round = in.readLong();
            int attempt = in.readInt();
            int rank = in.readInt();
            int size = in.readInt();
            String host = in.readUTF();
            int port = in.readInt();
            if (size < 1 || rank < 0 || rank >= size) {
                throw new IOException("rank " + rank + " of " + size);
            }
            Group done = null;
            synchronized (this) {
                Group group = groups.get(round);
                if (group != null && (group.attempt < attempt || group.size != size)) {
                    group.abandon(); // an earlier attempt of this round: its tasks are gone
                    group = null;
                }
                if (group != null && group.attempt > attempt) {
                    RingCollective.closeQuietly(client); // a straggler of an abandoned attempt
                    return;
                }
                if (group == null) {
                    group = new Group(attempt, size);
                    groups.put(round, group);
                }
                RingCollective.closeQuietly(group.sockets[rank]); // a re-registration replaces the earlier one
                group.sockets[rank] = client;
                group.hosts[rank] = host;
                group.ports[rank] = port;
                if (group.complete()) {
                    groups.remove(round);
                    done = group;
                }
            }
            if (done != null) {
                done.answer();
            }
        }

        @Override
        public void close() {
            closed = true;
            RingCollective.closeQuietly(socket);
            synchronized (this) {
                groups.values().forEach(Group::abandon);
                groups.clear();
            }
        }
    }

    private static final class Group {
        final int attempt;
        final int size;
        final Socket[] sockets;
        final String[] hosts;
        final int[] ports;

        Group(int attempt, int size) {
            this.attempt = attempt;
            this.size = size;
            this.sockets = new Socket[size];
            this.hosts = new String[size];
            this.ports = new int[size];
        }

        boolean complete() {
            for (Socket s : sockets) {
                if (s == null) {
                    return false;
                }
            }
            return true;
        }

        void answer() {
            for (Socket s : sockets) {
                try {
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
                    out.writeInt(size);
                    for (int r = 0; r < size; r++) {
                        out.writeUTF(hosts[r]);
                        out.writeInt(ports[r]);
                    }
                    out.flush();
                } catch (IOException e) {
                    LOG.warn("rendezvous: could not answer {}: {}", s.getRemoteSocketAddress(), e.toString());
                } finally {
                    RingCollective.closeQuietly(s);
                }
            }
        }

        void abandon() {
            for (Socket s : sockets) {
                RingCollective.closeQuietly(s);
            }
        }
    }
}
