package dev.sparkcnn.kernels.sync;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
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
 * small server on the driver, authenticates and registers (round, attempt, rank, world size, its
 * address), and receives every member's address, ordered by rank, once all have registered.
 *
 * <p>This replaces Spark's {@code BarrierTaskContext.allGather}, which sleeps in whole seconds
 * while it waits (Spark 3.5 polls its RPC future with {@code Thread.sleep(1000)}): at least one
 * second per round, which on short epochs cost more than the training.
 *
 * <p>Both sides authenticate ({@link Handshake}, keyed by the run's secret, bound to the round and
 * attempt); connections are admitted concurrently, each within {@link #HANDSHAKE_LIMIT}, so idle,
 * slow, garbled or unauthenticated connections are refused (and logged with their address) without
 * holding up anyone. A group is keyed by round and stage attempt, so a retried stage forms a new
 * group; an unfinished group of an earlier attempt of the same round is dropped.
 */
public final class Rendezvous {
    private static final Logger LOG = LoggerFactory.getLogger(Rendezvous.class);
    static final Duration HANDSHAKE_LIMIT = Duration.ofSeconds(10);
    private static final String PURPOSE = "rendezvous";
    private static final int CONNECT_MILLIS = 30_000;
    private static final int MAX_MEMBERS = 1 << 16;
    private static final int MAX_REGISTRATION = 1024;
    private static final int MAX_ANSWER = 1 << 24;

    private Rendezvous() {
    }

    /**
     * Registers with the server at {@code server} and waits for all {@code size} members of the
     * credentials' round and attempt.
     *
     * @return the members' ring addresses, index = rank
     * @throws IOException if the server cannot be reached, refuses, does not answer within
     *                     {@code timeout}, or {@code cancelled} becomes true while waiting
     */
    public static List<InetSocketAddress> join(InetSocketAddress server, RoundCredentials credentials, int rank,
                                               int size, InetSocketAddress self, Duration timeout,
                                               BooleanSupplier cancelled) throws IOException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long round = credentials.round();
        try (Socket socket = new Socket()) {
            InetSocketAddress address = server.isUnresolved()
                    ? new InetSocketAddress(server.getHostString(), server.getPort()) : server;
            socket.connect(address, (int) Math.min(timeout.toMillis(), CONNECT_MILLIS));
            socket.setTcpNoDelay(true);
            String who = "rendezvous server " + server;
            DataInputStream in = new DataInputStream(new BufferedInputStream(
                    new PatientInput(socket, cancelled, Long.MAX_VALUE, deadline, who)));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            byte[] key = Handshake.key(credentials.secret(), PURPOSE);
            Registration registration = new Registration(round, credentials.attempt(), rank, size,
                    self.getHostString(), self.getPort());
            try {
                Handshake.Request request = Handshake.request(in, out, key, registration.bytes());
                return members(Handshake.readReply(in, key, request, MAX_ANSWER), size, server);
            } catch (SocketTimeoutException e) {
                throw new IOException("rendezvous of round " + round + ": not all " + size + " replicas registered with "
                        + server + " within " + timeout.toSeconds() + " s", e);
            } catch (InterruptedIOException e) {
                throw new InterruptedIOException("rendezvous of round " + round + " cancelled");
            } catch (EOFException e) {
                throw new IOException("rendezvous server " + server + " closed the connection of rank " + rank
                        + " in round " + round + " without an answer (not the run's secret, or the round was abandoned)");
            }
        }
    }

    private static List<InetSocketAddress> members(byte[] answer, int size, InetSocketAddress server)
            throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(answer));
        try {
            int n = in.readInt();
            if (n != size) {
                throw new IOException("rendezvous server " + server + " answered " + n + " members, expected " + size);
            }
            List<InetSocketAddress> members = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String host = in.readUTF();
                int port = in.readInt();
                Registration.checkAddress(host, port);
                members.add(new InetSocketAddress(host, port));
            }
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes after the last member");
            }
            return members;
        } catch (IOException e) {
            throw new IOException("rendezvous server " + server + " sent a malformed answer: " + e.getMessage(), e);
        }
    }

    /** What a member says about itself, as the handshake's payload. */
    private record Registration(long round, int attempt, int rank, int size, String host, int port) {

        static Registration parse(byte[] payload) throws Handshake.Refused {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
            try {
                Registration r = new Registration(in.readLong(), in.readInt(), in.readInt(), in.readInt(),
                        in.readUTF(), in.readInt());
                if (in.available() > 0) {
                    throw new Handshake.Refused("registration has " + in.available() + " bytes too many");
                }
                if (r.round < 0 || r.attempt < 0 || r.size < 1 || r.size > MAX_MEMBERS || r.rank < 0
                        || r.rank >= r.size) {
                    throw new Handshake.Refused("registration of rank " + r.rank + " of " + r.size + ", round "
                            + r.round + ", attempt " + r.attempt + " is out of range");
                }
                checkAddress(r.host, r.port);
                return r;
            } catch (Handshake.Refused e) {
                throw e;
            } catch (IOException e) {
                throw new Handshake.Refused("malformed registration: " + e);
            }
        }

        static void checkAddress(String host, int port) throws Handshake.Refused {
            if (host.isEmpty() || host.length() > 255 || port < 1 || port > 65_535) {
                throw new Handshake.Refused("invalid member address '" + host + "' port " + port);
            }
        }

        byte[] bytes() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeLong(round);
                out.writeInt(attempt);
                out.writeInt(rank);
                out.writeInt(size);
                out.writeUTF(host);
                out.writeInt(port);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    /** The driver's side: admits registrations concurrently until closed. */
    public static final class Server implements Closeable {
        private final ServerSocket socket;
        private final byte[] key;
        private final Map<Long, Group> groups = new HashMap<>(); // by round; guarded by this
        private final Admissions admissions;
        private boolean closed; // guarded by this

        private Server(ServerSocket socket, RunSecret secret, Admissions.Reporter reporter, Duration limit) {
            this.socket = socket;
            this.key = Handshake.key(secret, PURPOSE);
            this.admissions = Admissions.start("rendezvous " + socket.getLocalSocketAddress(), socket,
                    limit, this::admit, reporter);
        }

        /** Listens on {@code bindHost} (an ephemeral port) for registrations by holders of {@code secret}. */
        public static Server open(String bindHost, RunSecret secret) throws IOException {
            return open(bindHost, secret, Admissions.LOGGED, HANDSHAKE_LIMIT);
        }

        /** As {@link #open(String, RunSecret)}, reporting refusals to {@code reporter}, with a handshake time limit. */
        static Server open(String bindHost, RunSecret secret, Admissions.Reporter reporter, Duration limit)
                throws IOException {
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(InetAddress.getByName(bindHost), 0), 64);
            } catch (IOException e) {
                socket.close();
                throw new IOException("rendezvous: cannot listen on " + bindHost + ": " + e.getMessage(), e);
            }
            LOG.info("rendezvous: listening on {}", socket.getLocalSocketAddress());
            return new Server(socket, secret, reporter, limit);
        }

        /** The port registrations go to. */
        public int port() {
            return socket.getLocalPort();
        }

        private Runnable admit(Socket client) throws IOException {
            client.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(client.getOutputStream()));
            byte[] nonce = Handshake.challenge(out);
            Handshake.Request request = Handshake.readRequest(in, key, nonce, MAX_REGISTRATION);
            Registration registration = Registration.parse(request.payload());
            return () -> register(new Member(client, out, request), registration);
        }

        private void register(Member member, Registration r) {
            Group done = null;
            synchronized (this) {
                Group group = closed ? null : groups.get(r.round);
                if (group != null && (group.attempt < r.attempt || group.size != r.size)) {
                    group.abandon(); // an earlier attempt of this round: its tasks are gone
                    group = null;
                }
                if (closed || group != null && group.attempt > r.attempt) {
                    RingCollective.closeQuietly(member.socket); // a straggler of an abandoned attempt
                    return;
                }
                if (group == null) {
                    group = new Group(r.attempt, r.size);
                    groups.put(r.round, group);
                }
                if (group.members[r.rank] != null) { // a re-registration replaces the earlier one
                    RingCollective.closeQuietly(group.members[r.rank].socket);
                }
                group.members[r.rank] = member;
                group.hosts[r.rank] = r.host;
                group.ports[r.rank] = r.port;
                if (group.complete()) {
                    groups.remove(r.round);
                    done = group;
                }
            }
            if (done != null) {
                done.answer(key);
            }
        }

        @Override
        public void close() {
            admissions.close();
            synchronized (this) {
                closed = true;
                groups.values().forEach(Group::abandon);
                groups.clear();
            }
        }
    }

    private record Member(Socket socket, DataOutputStream out, Handshake.Request request) {
    }

    private static final class Group {
        final int attempt;
        final int size;
        final Member[] members;
        final String[] hosts;
        final int[] ports;

        Group(int attempt, int size) {
            this.attempt = attempt;
            this.size = size;
            this.members = new Member[size];
            this.hosts = new String[size];
            this.ports = new int[size];
        }

        boolean complete() {
            for (Member m : members) {
                if (m == null) {
                    return false;
                }
            }
            return true;
        }

        void answer(byte[] key) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(size);
                for (int r = 0; r < size; r++) {
                    out.writeUTF(hosts[r]);
                    out.writeInt(ports[r]);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] answer = bytes.toByteArray();
            for (Member m : members) {
                try {
                    Handshake.reply(m.out, key, m.request, answer);
                } catch (IOException e) {
                    LOG.warn("rendezvous: could not answer {}: {}", m.socket.getRemoteSocketAddress(), e.toString());
                } finally {
                    RingCollective.closeQuietly(m.socket);
                }
            }
        }

        void abandon() {
            for (Member m : members) {
                if (m != null) {
                    RingCollective.closeQuietly(m.socket);
                }
            }
        }
    }
}
