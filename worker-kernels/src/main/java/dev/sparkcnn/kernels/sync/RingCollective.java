package dev.sparkcnn.kernels.sync;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Collective} over direct TCP connections arranged in a ring: each member sends to the
 * next rank and receives from the previous one. All-reduce is the bandwidth-optimal ring
 * algorithm (reduce-scatter, then all-gather of the reduced chunks: each member sends
 * 2(N-1)/N of the vector); all-gather passes each message N-1 hops around the ring.
 *
 * <p>Each connection is mutually authenticated ({@link Handshake}, keyed by the run's secret and
 * bound to the round, attempt and ranks) and, when the run's secret says so, its traffic is
 * encrypted ({@link SealedFrames}). The listening socket admits connections concurrently
 * ({@link Admissions}) until the collective is closed, so strangers are refused and logged without
 * holding up the ring. Every wait is bounded and checks the cancellation hook: a member whose
 * neighbour stops sending or reading for longer than the timeout fails, naming it. Received
 * messages are checked before use: lengths, and finite values for all-reduce.
 */
public final class RingCollective implements Collective {
    private static final Logger LOG = LoggerFactory.getLogger(RingCollective.class);
    private static final String PURPOSE = "ring";
    static final Duration HANDSHAKE_LIMIT = Duration.ofSeconds(10);
    /** The longest all-gather message accepted from a neighbour. */
    static final int MAX_MESSAGE = 1 << 29;
    private static final long POLL_MILLIS = PatientInput.POLL.toMillis();

    private final int rank;
    private final int size;
    private final List<InetSocketAddress> members;
    private final long timeoutMillis;
    private final BooleanSupplier cancelled;
    private final Admissions admissions;
    private final RingJoin.Link toNext;
    private final RingJoin.Link fromPrevious;
    private final SealedFrames.Writer writer;
    private final SealedFrames.Reader reader;
    private final boolean encrypted;
    private final ExecutorService sender;
    private long bytesSent;
    private boolean closed;

    private RingCollective(int rank, List<InetSocketAddress> members, Duration timeout, BooleanSupplier cancelled,
                           Admissions admissions, RingJoin.Link toNext, RingJoin.Link fromPrevious) {
        this.rank = rank;
        this.size = members.size();
        this.members = List.copyOf(members);
        this.timeoutMillis = timeout.toMillis();
        this.cancelled = cancelled;
        this.admissions = admissions;
        this.toNext = toNext;
        this.fromPrevious = fromPrevious;
        this.encrypted = toNext != null && toNext.key() != null;
        if (toNext != null) {
            this.writer = new SealedFrames.Writer(toNext.out(), toNext.key());
            this.reader = new SealedFrames.Reader(fromPrevious.in(), fromPrevious.key(), describe(previous()));
            this.sender = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "sparkcnn-ring-send-" + rank);
                t.setDaemon(true);
                return t;
            });
        } else {
            this.writer = null;
            this.reader = null;
            this.sender = null;
        }
    }

    /** A server socket on an ephemeral port of {@code host}, for the members to connect to. */
    public static ServerSocket listen(String host) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(host, 0), 64);
        return server;
    }

    /**
     * Joins the ring: admits connections on {@code server} (which the collective owns and closes)
     * until the previous member has authenticated, and connects to the next member and
     * authenticates with it.
     *
     * @param rank        this member's rank
     * @param members     every member's listening address, indexed by rank
     * @param server      this member's listening socket (its address is {@code members.get(rank)})
     * @param credentials the run's secret, round and attempt all members share
     * @param timeout     how long to wait for a member (connecting, or any one read or write)
     * @param cancelled   polled while waiting; when it returns true the wait ends with an exception
     */
    public static RingCollective join(int rank, List<InetSocketAddress> members, ServerSocket server,
                                      RoundCredentials credentials, Duration timeout, BooleanSupplier cancelled)
            throws IOException {
        return join(rank, members, server, credentials, timeout, cancelled, Admissions.LOGGED);
    }

    static RingCollective join(int rank, List<InetSocketAddress> members, ServerSocket server,
                               RoundCredentials credentials, Duration timeout, BooleanSupplier cancelled,
                               Admissions.Reporter reporter) throws IOException {
        int size = members.size();
        if (rank < 0 || rank >= size) {
            closeQuietly(server);
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + size + ")");
        }
        if (size == 1) {
            closeQuietly(server);
            return new RingCollective(rank, members, timeout, cancelled, null, null, null);
        }
        LOG.info("ring: round {} attempt {}: rank {} of {} accepts on {}, traffic {}", credentials.round(),
                credentials.attempt(), rank, size, server.getLocalSocketAddress(),
                credentials.secret().encrypted() ? "authenticated and encrypted (AES-GCM)" : "authenticated, in clear");
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        RingJoin joining = new RingJoin(rank, members, credentials, timeout.toMillis(), cancelled);
        Admissions admissions = Admissions.start("ring rank " + rank + " at " + server.getLocalSocketAddress(), server,
                HANDSHAKE_LIMIT, joining::admitPrevious, reporter);
        RingJoin.Link toNext = null;
        try {
            toNext = joining.connectToNext(deadline);
            RingJoin.Link fromPrevious = joining.awaitPrevious(deadline);
            return new RingCollective(rank, members, timeout, cancelled, admissions, toNext, fromPrevious);
        } catch (IOException | RuntimeException e) {
            admissions.close();
            if (toNext != null) {
                closeQuietly(toNext.socket());
            }
            joining.abandon();
            throw e;
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long bytesSent() {
        return bytesSent;
    }

    @Override
    public void allReduceSum(float[] values) throws IOException {
        allReduce(new FloatElements(values));
    }

    @Override
    public void allReduceSum(double[] values) throws IOException {
        allReduce(new DoubleElements(values));
    }

    private void allReduce(Elements values) throws IOException {
        if (size == 1) {
            return;
        }
        int[] bounds = new int[size + 1];
        for (int c = 0; c <= size; c++) {
            bounds[c] = (int) ((long) values.length() * c / size);
        }
        int maxChunk = 0;
        for (int c = 0; c < size; c++) {
            maxChunk = Math.max(maxChunk, bounds[c + 1] - bounds[c]);
        }
        byte[] sendBuffer = new byte[maxChunk * values.bytes()];
        byte[] receiveBuffer = new byte[maxChunk * values.bytes()];
        // reduce-scatter: after N-1 steps this member holds the full sum of chunk rank+1
        for (int s = 0; s < size - 1; s++) {
            int send = Math.floorMod(rank - s, size);
            int receive = Math.floorMod(rank - s - 1, size);
            exchangeChunk(values, bounds, send, receive, sendBuffer, receiveBuffer, true);
        }
        // all-gather: pass the summed chunks around; every member copies the same bits
        for (int s = 0; s < size - 1; s++) {
            int send = Math.floorMod(rank + 1 - s, size);
            int receive = Math.floorMod(rank - s, size);
            exchangeChunk(values, bounds, send, receive, sendBuffer, receiveBuffer, false);
        }
    }

    private void exchangeChunk(Elements values, int[] bounds, int send, int receive, byte[] sendBuffer,
                               byte[] receiveBuffer, boolean add) throws IOException {
        int sendLength = bounds[send + 1] - bounds[send];
        values.write(ByteBuffer.wrap(sendBuffer).order(ByteOrder.LITTLE_ENDIAN), bounds[send], sendLength);
        Future<?> sent = send(sendBuffer, sendLength * values.bytes());
        int receiveLength = bounds[receive + 1] - bounds[receive];
        try {
            reader.readExactly(receiveBuffer, receiveLength * values.bytes());
        } catch (IOException e) {
            throw receiveFailure(e);
        }
        await(sent);
        ByteBuffer received = ByteBuffer.wrap(receiveBuffer).order(ByteOrder.LITTLE_ENDIAN);
        int from = bounds[receive];
        for (int i = 0; i < receiveLength; i++) {
            double v = values.received(received, i);
            if (!Double.isFinite(v)) {
                throw new IOException(describe(previous()) + " sent a non-finite value (" + v + ") for element "
                        + (from + i) + "; refused");
            }
        }
        values.read(received, from, receiveLength, add);
    }

    /** The vector an all-reduce sums, as it travels: little-endian elements of one width. */
    private interface Elements {
        int length();

        /** Bytes per element. */
        int bytes();

        /** Puts elements {@code [from, from + count)} into {@code to}, from its start. */
        void write(ByteBuffer to, int from, int count);

        /** Element {@code index} of a received chunk, widened to double (for the finiteness check). */
        double received(ByteBuffer chunk, int index);

        /** Adds the {@code count} elements of a received chunk to (or copies them over) elements {@code from...}. */
        void read(ByteBuffer chunk, int from, int count, boolean add);
    }

    private record FloatElements(float[] values) implements Elements {
        @Override
        public int length() {
            return values.length;
        }

        @Override
        public int bytes() {
            return Float.BYTES;
        }

        @Override
        public void write(ByteBuffer to, int from, int count) {
            to.asFloatBuffer().put(values, from, count);
        }

        @Override
        public double received(ByteBuffer chunk, int index) {
            return chunk.getFloat(index * Float.BYTES);
        }

        @Override
        public void read(ByteBuffer chunk, int from, int count, boolean add) {
            FloatBuffer floats = chunk.asFloatBuffer();
            if (add) {
                for (int i = 0; i < count; i++) {
                    values[from + i] += floats.get(i);
                }
            } else {
                floats.get(0, values, from, count);
            }
        }
    }

    private record DoubleElements(double[] values) implements Elements {
        @Override
        public int length() {
            return values.length;
        }

        @Override
        public int bytes() {
            return Double.BYTES;
        }

        @Override
        public void write(ByteBuffer to, int from, int count) {
            to.asDoubleBuffer().put(values, from, count);
        }

        @Override
        public double received(ByteBuffer chunk, int index) {
            return chunk.getDouble(index * Double.BYTES);
        }

        @Override
        public void read(ByteBuffer chunk, int from, int count, boolean add) {
            DoubleBuffer doubles = chunk.asDoubleBuffer();
            if (add) {
                for (int i = 0; i < count; i++) {
                    values[from + i] += doubles.get(i);
                }
            } else {
                doubles.get(0, values, from, count);
            }
        }
    }

    @Override
    public byte[][] allGather(byte[] message) throws IOException {
        byte[][] all = new byte[size][];
        all[rank] = message.clone();
        for (int s = 0; s < size - 1; s++) {
            int send = Math.floorMod(rank - s, size);
            int receive = Math.floorMod(rank - s - 1, size);
            Future<?> sent = send(all[send], all[send].length);
            byte[] received;
            try {
                received = reader.read(MAX_MESSAGE);
            } catch (IOException e) {
                throw receiveFailure(e);
            }
            await(sent);
            all[receive] = received;
        }
        return all;
    }

    private Future<?> send(byte[] data, int length) {
        int records = Math.max(1, (length + SealedFrames.RECORD - 1) / SealedFrames.RECORD);
        bytesSent += Integer.BYTES + length + (encrypted ? (long) records * SealedFrames.TAG : 0);
        return sender.submit(() -> writer.write(data, length));
    }

    /** Waits for a send, bounded by the timeout since the neighbour last took a record, and cancellable. */
    private void await(Future<?> sent) throws IOException {
        while (true) {
            try {
                sent.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                checkCancelled(cancelled);
                long idle = System.currentTimeMillis() - writer.lastProgress();
                if (idle > timeoutMillis) {
                    throw new IOException(describe(next()) + " has taken nothing for " + idle / 1000
                            + " s: it stopped reading");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while sending to " + describe(next()));
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                throw new IOException("sending to " + describe(next()) + " failed: " + cause.getMessage(), cause);
            }
        }
    }

    private IOException receiveFailure(IOException e) {
        if (e instanceof EOFException) {
            return new IOException(describe(previous()) + " closed its connection: its task failed or was stopped", e);
        }
        String message = String.valueOf(e.getMessage());
        return message.contains("rank ") || message.startsWith("cancelled") ? e
                : new IOException("receiving from " + describe(previous()) + " failed: " + message, e);
    }

    private String describe(int member) {
        return "rank " + member + " (" + members.get(member) + ")";
    }

    private int next() {
        return (rank + 1) % size;
    }

    private int previous() {
        return (rank + size - 1) % size;
    }

    static void checkCancelled(BooleanSupplier cancelled) throws IOException {
        if (cancelled.getAsBoolean()) {
            throw new InterruptedIOException("cancelled");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (sender != null) {
            sender.shutdownNow();
        }
        if (admissions != null) {
            admissions.close();
        }
        if (toNext != null) {
            closeQuietly(toNext.socket());
            closeQuietly(fromPrevious.socket());
        }
    }

    /** Closes a socket (or server socket) if there is one, ignoring errors: nothing is left to do with it. */
    static void closeQuietly(java.io.Closeable socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing left to do with it
            }
        }
    }
}
