package dev.sparkcnn.kernels.sync;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.BufferedOutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * A {@link Collective} over direct TCP connections arranged in a ring: each member sends to the
 * next rank and receives from the previous one. All-reduce is the bandwidth-optimal ring
 * algorithm (reduce-scatter, then all-gather of the reduced chunks: each member sends
 * 2(N-1)/N of the vector); all-gather passes each message N-1 hops around the ring.
 *
 * <p>Connections are authenticated with a token the members share (the driver draws it per round
 * and ships it in the task closure); the traffic itself is not encrypted. Reads wake every
 * {@link #POLL} to check the cancellation hook, so a task that Spark kills stops promptly, and a
 * member that stops sending for longer than the timeout is reported by rank and address.
 */
public final class RingCollective implements Collective {

    private static final int MAGIC = 0x53434e52; // "SCNR"
    private static final Duration POLL = Duration.ofMillis(500);

    private final int rank;
    private final int size;
    private final List<InetSocketAddress> members;
    private final long timeoutMillis;
    private final BooleanSupplier cancelled;
    private final Socket toNext;
    private final Socket fromPrevious;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final ExecutorService sender;
    private long bytesSent;
    private boolean closed;

    private RingCollective(int rank, List<InetSocketAddress> members, Duration timeout, BooleanSupplier cancelled,
                           Socket toNext, Socket fromPrevious) throws IOException {
        this.rank = rank;
        this.size = members.size();
        this.members = List.copyOf(members);
        this.timeoutMillis = timeout.toMillis();
        this.cancelled = cancelled;
        this.toNext = toNext;
        this.fromPrevious = fromPrevious;
        if (toNext != null) {
            this.out = new DataOutputStream(new BufferedOutputStream(toNext.getOutputStream(), 1 << 16));
            this.in = new DataInputStream(fromPrevious.getInputStream());
            fromPrevious.setSoTimeout((int) POLL.toMillis());
            this.sender = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "sparkcnn-ring-send-" + rank);
                t.setDaemon(true);
                return t;
            });
        } else {
            this.out = null;
            this.in = null;
            this.sender = null;
        }
    }

    /** A server socket on an ephemeral port of {@code host}, for the members to connect to. */
    public static ServerSocket listen(String host) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(host, 0));
        return server;
    }

    /**
     * Joins the ring: connects to the next member, accepts the previous one on {@code server}
     * (which is closed afterwards), and checks both present the shared token.
     *
     * @param rank      this member's rank
     * @param members   every member's listening address, indexed by rank
     * @param server    this member's listening socket (its address is {@code members.get(rank)})
     * @param token     the secret all members share
     * @param timeout   how long to wait for a member (connecting, or any one read)
     * @param cancelled polled while waiting; when it returns true the wait ends with an exception
     */
    public static RingCollective join(int rank, List<InetSocketAddress> members, ServerSocket server, long token,
                                      Duration timeout, BooleanSupplier cancelled) throws IOException {
        int size = members.size();
        if (rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + size + ")");
        }
        try (server) {
            if (size == 1) {
                return new RingCollective(rank, members, timeout, cancelled, null, null);
            }
            int next = (rank + 1) % size;
            int previous = (rank + size - 1) % size;
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            Socket toNext = connect(members.get(next), next, deadline, cancelled);
            try {
                DataOutputStream hello = new DataOutputStream(toNext.getOutputStream());
                hello.writeInt(MAGIC);
                hello.writeLong(token);
                hello.writeInt(rank);
                hello.flush();
                Socket fromPrevious = accept(server, previous, members, token, deadline, cancelled);
                toNext.setTcpNoDelay(true);
                return new RingCollective(rank, members, timeout, cancelled, toNext, fromPrevious);
            } catch (IOException | RuntimeException e) {
                toNext.close();
                throw e;
            }
        }
    }

    private static Socket connect(InetSocketAddress address, int peer, long deadline, BooleanSupplier cancelled)
            throws IOException {
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            checkCancelled(cancelled);
            Socket socket = new Socket();
            try {
                socket.connect(address, (int) POLL.toMillis());
                return socket;
            } catch (IOException e) {
                socket.close();
                last = e;
                sleep(50);
            }
        }
        throw new IOException("could not connect to rank " + peer + " at " + address + ": "
                + (last == null ? "timed out" : last.getMessage()), last);
    }

    private static Socket accept(ServerSocket server, int previous, List<InetSocketAddress> members, long token,
                                 long deadline, BooleanSupplier cancelled) throws IOException {
        server.setSoTimeout((int) POLL.toMillis());
        while (System.currentTimeMillis() < deadline) {
            checkCancelled(cancelled);
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            }
            try {
                socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
                DataInputStream hello = new DataInputStream(socket.getInputStream());
                int magic = hello.readInt();
                long theirToken = hello.readLong();
                int theirRank = hello.readInt();
                if (magic != MAGIC || theirToken != token) {
                    socket.close(); // a stranger or a member of another round: ignore it
                    continue;
                }
                if (theirRank != previous) {
                    socket.close();
                    throw new IOException("rank " + theirRank + " connected where rank " + previous + " ("
                            + members.get(previous) + ") was expected");
                }
                return socket;
            } catch (EOFException | SocketTimeoutException e) {
                socket.close();
            }
        }
        throw new IOException("rank " + previous + " (" + members.get(previous) + ") did not connect in time");
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
        if (size == 1) {
            return;
        }
        int[] bounds = new int[size + 1];
        for (int c = 0; c <= size; c++) {
            bounds[c] = (int) ((long) values.length * c / size);
        }
        int maxChunk = 0;
        for (int c = 0; c < size; c++) {
            maxChunk = Math.max(maxChunk, bounds[c + 1] - bounds[c]);
        }
        byte[] sendBuffer = new byte[maxChunk * Float.BYTES];
        byte[] receiveBuffer = new byte[maxChunk * Float.BYTES];
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

    private void exchangeChunk(float[] values, int[] bounds, int send, int receive, byte[] sendBuffer,
                               byte[] receiveBuffer, boolean add) throws IOException {
        int sendLength = bounds[send + 1] - bounds[send];
        ByteBuffer.wrap(sendBuffer).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .put(values, bounds[send], sendLength);
        Future<?> sent = send(sendBuffer, sendLength * Float.BYTES, false);
        int receiveLength = bounds[receive + 1] - bounds[receive];
        readFully(receiveBuffer, receiveLength * Float.BYTES);
        await(sent);
        var floats = ByteBuffer.wrap(receiveBuffer).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        int from = bounds[receive];
        if (add) {
            for (int i = 0; i < receiveLength; i++) {
                values[from + i] += floats.get(i);
            }
        } else {
            floats.get(0, values, from, receiveLength);
        }
    }

    @Override
    public byte[][] allGather(byte[] message) throws IOException {
        byte[][] all = new byte[size][];
        all[rank] = message.clone();
        for (int s = 0; s < size - 1; s++) {
            int send = Math.floorMod(rank - s, size);
            int receive = Math.floorMod(rank - s - 1, size);
            Future<?> sent = send(all[send], all[send].length, true);
            byte[] header = new byte[Integer.BYTES];
            readFully(header, header.length);
            int length = ByteBuffer.wrap(header).getInt();
            if (length < 0) {
                throw new IOException("rank " + previous() + " sent a message of negative length " + length);
            }
            byte[] received = new byte[length];
            readFully(received, length);
            await(sent);
            all[receive] = received;
        }
        return all;
    }

    private Future<?> send(byte[] data, int length, boolean framed) {
        bytesSent += length + (framed ? Integer.BYTES : 0);
        return sender.submit(() -> {
            try {
                if (framed) {
                    out.writeInt(length);
                }
                out.write(data, 0, length);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void await(Future<?> sent) throws IOException {
        try {
            sent.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending to rank " + next(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            throw new IOException("sending to rank " + next() + " (" + members.get(next()) + ") failed: "
                    + cause.getMessage(), cause);
        }
    }

    private void readFully(byte[] buffer, int length) throws IOException {
        InputStream stream = in;
        int offset = 0;
        long lastProgress = System.currentTimeMillis();
        while (offset < length) {
            int n;
            try {
                n = stream.read(buffer, offset, length - offset);
            } catch (SocketTimeoutException e) {
                checkCancelled(cancelled);
                if (System.currentTimeMillis() - lastProgress > timeoutMillis) {
                    throw new IOException("rank " + previous() + " (" + members.get(previous()) + ") sent nothing for "
                            + timeoutMillis / 1000 + " s");
                }
                continue;
            }
            if (n < 0) {
                throw new IOException("rank " + previous() + " (" + members.get(previous())
                        + ") closed its connection: its task failed or was stopped");
            }
            offset += n;
            lastProgress = System.currentTimeMillis();
        }
    }

    private int next() {
        return (rank + 1) % size;
    }

    private int previous() {
        return (rank + size - 1) % size;
    }

    private static void checkCancelled(BooleanSupplier cancelled) throws IOException {
        if (cancelled.getAsBoolean()) {
            throw new IOException("cancelled");
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
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
        closeQuietly(toNext);
        closeQuietly(fromPrevious);
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
