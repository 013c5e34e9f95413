package dev.sparkcnn.kernels.sync;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A socket's input whose reads wait in short slices (the socket's read time-out is set to
 * {@link #POLL}), checking between slices whether the wait was cancelled, whether the peer has
 * sent nothing for too long, and whether an overall deadline passed. Every read is so bounded and
 * cancellable, and the error says who was waited for.
 */
final class PatientInput extends FilterInputStream {
    static final Duration POLL = Duration.ofMillis(200);

    private final BooleanSupplier cancelled;
    private final long idleMillis;
    private final long deadline;
    private volatile String peer;
    private long lastProgress = System.currentTimeMillis();

    /**
     * @param idleMillis longest time without a byte from the peer
     * @param deadline   time ({@link System#currentTimeMillis()}) after which reads fail; {@code Long.MAX_VALUE}: none
     * @param peer       who is read from, for error messages
     */
    PatientInput(Socket socket, BooleanSupplier cancelled, long idleMillis, long deadline, String peer)
            throws IOException {
        this(socket.getInputStream(), cancelled, idleMillis, deadline, peer);
        socket.setSoTimeout((int) POLL.toMillis());
    }

    private PatientInput(InputStream in, BooleanSupplier cancelled, long idleMillis, long deadline, String peer) {
        super(in);
        this.cancelled = cancelled;
        this.idleMillis = idleMillis;
        this.deadline = deadline;
        this.peer = peer;
    }

    /** Names the peer in later error messages (once a handshake said who it is). */
    void peer(String description) {
        this.peer = description;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            try {
                int n = in.read(b, off, len);
                lastProgress = System.currentTimeMillis();
                return n;
            } catch (SocketTimeoutException e) {
                checkPatience();
            }
        }
    }

    private void checkPatience() throws IOException {
        if (cancelled.getAsBoolean()) {
            throw new InterruptedIOException("cancelled while waiting for " + peer);
        }
        long now = System.currentTimeMillis();
        if (now - lastProgress > idleMillis) {
            throw new SocketTimeoutException(peer + " sent nothing for " + (now - lastProgress) / 1000 + " s");
        }
        if (now > deadline) {
            throw new SocketTimeoutException("no answer from " + peer + " in time");
        }
    }
}
