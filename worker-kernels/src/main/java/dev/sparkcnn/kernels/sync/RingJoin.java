package dev.sparkcnn.kernels.sync;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One member's joining of a ring: the authenticated connection to the next member, and the
 * admission of the previous member among whoever else connects. Each side's handshake says
 * (round, attempt, rank); the acceptor admits only the previous rank of its own round and attempt.
 */
final class RingJoin {
    private static final int HELLO = Long.BYTES + 2 * Integer.BYTES;
    private static final long POLL_MILLIS = PatientInput.POLL.toMillis();

    /** One authenticated connection and the key of its traffic (null: in clear). */
    record Link(Socket socket, DataInputStream in, DataOutputStream out, byte[] key) {
    }

    private final int rank;
    private final int next;
    private final int previous;
    private final List<InetSocketAddress> members;
    private final RoundCredentials credentials;
    private final byte[] key;
    private final long timeoutMillis;
    private final BooleanSupplier cancelled;
    private final CompletableFuture<Link> fromPrevious = new CompletableFuture<>();

    RingJoin(int rank, List<InetSocketAddress> members, RoundCredentials credentials, long timeoutMillis,
             BooleanSupplier cancelled) {
        this.rank = rank;
        this.next = (rank + 1) % members.size();
        this.previous = (rank + members.size() - 1) % members.size();
        this.members = members;
        this.credentials = credentials;
        this.key = Handshake.key(credentials.secret(), "ring");
        this.timeoutMillis = timeoutMillis;
        this.cancelled = cancelled;
    }

    /** {@link Admissions.Handler}: admits the previous member, refuses anyone else. */
    Runnable admitPrevious(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        PatientInput patient = new PatientInput(socket, cancelled, timeoutMillis, Long.MAX_VALUE,
                "the connection from " + socket.getRemoteSocketAddress());
        DataInputStream in = new DataInputStream(new BufferedInputStream(patient, 1 << 16));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        byte[] nonce = Handshake.challenge(out);
        Handshake.Request request = Handshake.readRequest(in, key, nonce, HELLO);
        if (request.payload().length != HELLO) {
            throw new Handshake.Refused("a hello of " + request.payload().length + " bytes");
        }
        ByteBuffer hello = ByteBuffer.wrap(request.payload());
        long round = hello.getLong();
        int attempt = hello.getInt();
        int theirRank = hello.getInt();
        if (round != credentials.round() || attempt != credentials.attempt() || theirRank != previous) {
            throw new Handshake.Refused("a member of round " + round + " attempt " + attempt + " as rank " + theirRank
                    + ", where rank " + previous + " of round " + credentials.round() + " attempt "
                    + credentials.attempt() + " was expected");
        }
        if (fromPrevious.isDone()) {
            throw new Handshake.Refused("rank " + previous + " is already connected");
        }
        Handshake.reply(out, key, request, new byte[0]);
        patient.peer(describe(previous));
        Link link = new Link(socket, in, out, trafficKey(request));
        return () -> {
            if (!fromPrevious.complete(link)) {
                RingCollective.closeQuietly(socket);
            }
        };
    }

    /** Connects to the next member and authenticates both ways, retrying the connection until the deadline. */
    Link connectToNext(long deadline) throws IOException {
        Socket socket = connect(members.get(next), deadline);
        try {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(
                    new PatientInput(socket, cancelled, Long.MAX_VALUE, deadline, describe(next))));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            byte[] hello = ByteBuffer.allocate(HELLO).putLong(credentials.round()).putInt(credentials.attempt())
                    .putInt(rank).array();
            Handshake.Request request = Handshake.request(in, out, key, hello);
            Handshake.readReply(in, key, request, 0);
            return new Link(socket, in, out, trafficKey(request));
        } catch (EOFException e) {
            socket.close();
            throw new IOException(describe(next) + " closed the connection during the handshake (not the run's "
                    + "secret, or another round or attempt)", e);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Waits, bounded and cancellable, until the previous member is admitted. */
    Link awaitPrevious(long deadline) throws IOException {
        while (true) {
            RingCollective.checkCancelled(cancelled);
            try {
                return fromPrevious.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException(describe(previous) + " did not connect in time");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + describe(previous));
            } catch (ExecutionException e) {
                throw new IOException("waiting for " + describe(previous) + " failed", e.getCause());
            }
        }
    }

    /** The join failed: a previous member admitted now or later is disconnected. */
    void abandon() {
        if (!fromPrevious.completeExceptionally(new IOException("abandoned"))) {
            Link link = fromPrevious.getNow(null);
            RingCollective.closeQuietly(link.socket());
        }
    }

    private byte[] trafficKey(Handshake.Request request) {
        return credentials.secret().encrypted() ? SealedFrames.connectionKey(credentials.secret(), request) : null;
    }

    private Socket connect(InetSocketAddress address, long deadline) throws IOException {
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            RingCollective.checkCancelled(cancelled);
            Socket socket = new Socket();
            try {
                socket.connect(address, (int) POLL_MILLIS * 2);
                return socket;
            } catch (IOException e) {
                socket.close();
                last = e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while connecting to " + describe(next));
                }
            }
        }
        throw new IOException("could not connect to " + describe(next) + ": "
                + (last == null ? "timed out" : last.getMessage()), last);
    }

    private String describe(int member) {
        return "rank " + member + " (" + members.get(member) + ")";
    }
}
