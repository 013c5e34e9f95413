package dev.sparkcnn.kernels.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strangers and misbehaving neighbours on the ring: refused, logged, and never a hang. */
class RingHostileTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<java.io.Closeable> open = new ArrayList<>();
    private final Refusals refusals = new Refusals();

    @AfterEach
    void stop() throws IOException {
        pool.shutdownNow();
        for (java.io.Closeable c : open) {
            c.close();
        }
    }

    /** Members 0..size-1 on {@code servers} each all-reduce {rank + 1}; returns their futures. */
    private List<Future<float[]>> ring(List<ServerSocket> servers, RoundCredentials credentials) {
        return ring(servers, credentials, new CountDownLatch(0));
    }

    /** As above; the members keep their ports open until {@code release}. */
    private List<Future<float[]>> ring(List<ServerSocket> servers, RoundCredentials credentials,
                                       CountDownLatch release) {
        List<InetSocketAddress> addresses = Rings.addresses(servers);
        List<Future<float[]>> results = new ArrayList<>();
        for (int r = 0; r < servers.size(); r++) {
            int rank = r;
            results.add(pool.submit(() -> {
                try (Collective c = RingCollective.join(rank, addresses, servers.get(rank), credentials, TIMEOUT,
                        () -> false, refusals)) {
                    float[] v = {rank + 1f};
                    c.allReduceSum(v);
                    release.await(20, TimeUnit.SECONDS);
                    return v;
                }
            }));
        }
        return results;
    }

    private static void assertSums(List<Future<float[]>> results, float expected) throws Exception {
        for (Future<float[]> f : results) {
            assertArrayEquals(new float[]{expected}, f.get(8, TimeUnit.SECONDS));
        }
    }

    @Test
    void tenIdleConnectionsAndGarbageOnEveryPortDoNotStopTheRing() throws Exception {
        List<ServerSocket> servers = Rings.listen(3);
        List<Socket> garbage = new ArrayList<>();
        for (InetSocketAddress a : Rings.addresses(servers)) {
            open.addAll(Strangers.idle(a, 10));
            Socket g = Strangers.garbage(a);
            garbage.add(g);
            open.add(g);
        }
        assertSums(ring(servers, Rings.credentials(false)), 6f);
        for (Socket g : garbage) {
            assertReason(g.getLocalSocketAddress(), "not a sparkcnn handshake");
        }
    }

    @Test
    void aConnectionResetDuringTheGreetingDoesNotAbortTheJoin() throws Exception {
        List<ServerSocket> servers = Rings.listen(2);
        SocketAddress reset = Strangers.reset(Rings.addresses(servers).get(1));
        assertSums(ring(servers, Rings.credentials(false)), 3f);
        assertReason(reset, "reset");
    }

    @Test
    void wrongSecretsAndHandshakesReplayedFromAnEarlierRoundAreRefused() throws Exception {
        // round 1, with rank 0's connection to rank 1 recorded
        List<ServerSocket> first = Rings.listen(2);
        List<InetSocketAddress> real = Rings.addresses(first);
        byte[] recorded;
        try (RecordingProxy proxy = new RecordingProxy(real.get(1))) {
            List<InetSocketAddress> viaProxy = List.of(real.get(0), proxy.address());
            RoundCredentials round1 = new RoundCredentials(Rings.secret(false), 1, 0);
            Future<float[]> zero = pool.submit(() -> allReduce(0, viaProxy, first.get(0), round1));
            Future<float[]> one = pool.submit(() -> allReduce(1, real, first.get(1), round1));
            assertArrayEquals(new float[]{3f}, zero.get(20, TimeUnit.SECONDS));
            assertArrayEquals(new float[]{3f}, one.get(20, TimeUnit.SECONDS));
            recorded = proxy.recordings().get(0).upstream();
        }
        // round 2: the recording, and a hello signed with another secret, reach rank 1 first
        List<ServerSocket> second = Rings.listen(2);
        InetSocketAddress rankOne = Rings.addresses(second).get(1);
        Socket replayed = Strangers.replay(rankOne, recorded);
        Socket wrong = Strangers.idle(rankOne);
        open.add(replayed);
        open.add(wrong);
        Future<?> signed = pool.submit(() -> Strangers.wrongSecret(wrong, new byte[16]));
        CountDownLatch release = new CountDownLatch(1);
        List<Future<float[]>> members = ring(second, new RoundCredentials(Rings.secret(false), 2, 0), release);
        assertReason(replayed.getLocalSocketAddress(), "failed authentication");
        assertReason(wrong.getLocalSocketAddress(), "failed authentication");
        signed.get(5, TimeUnit.SECONDS);
        release.countDown();
        assertSums(members, 3f);
    }

    private float[] allReduce(int rank, List<InetSocketAddress> members, ServerSocket server,
                              RoundCredentials credentials) throws IOException {
        try (Collective c = RingCollective.join(rank, members, server, credentials, TIMEOUT, () -> false, refusals)) {
            float[] v = {rank + 1f};
            c.allReduceSum(v);
            return v;
        }
    }

    /**
     * Rank 1 of a 2-ring played by hand: it authenticates both ways and sends its chunk, but never
     * reads what rank 0 sends. Rank 0 must fail, within the timeout or when cancelled, not wait for ever.
     */
    private IOException stalledNeighbour(Duration timeout, BooleanSupplier cancelled) throws Exception {
        ServerSocket zeroServer = RingCollective.listen("127.0.0.1");
        ServerSocket oneServer = RingCollective.listen("127.0.0.1");
        open.add(oneServer);
        List<InetSocketAddress> members = Rings.addresses(List.of(zeroServer, oneServer));
        RoundCredentials credentials = Rings.credentials(false);
        int length = 8 << 20; // 8 Mi floats: rank 0's 16 MB chunk cannot fit in the socket buffers
        Future<Void> zero = pool.submit(() -> {
            try (Collective c = RingCollective.join(0, members, zeroServer, credentials, timeout, cancelled,
                    refusals)) {
                c.allReduceSum(new float[length]);
            }
            return null;
        });
        byte[] key = Handshake.key(credentials.secret(), "ring");
        Socket fromZero = oneServer.accept(); // acceptor's side of the handshake, then never read
        open.add(fromZero);
        DataOutputStream toZeroReply = new DataOutputStream(fromZero.getOutputStream());
        byte[] nonce = Handshake.challenge(toZeroReply);
        Handshake.Request request = Handshake.readRequest(new DataInputStream(fromZero.getInputStream()), key, nonce,
                64);
        Handshake.reply(toZeroReply, key, request, new byte[0]);
        Socket toZero = new Socket("127.0.0.1", members.get(0).getPort());
        open.add(toZero);
        DataOutputStream out = new DataOutputStream(toZero.getOutputStream());
        byte[] hello = java.nio.ByteBuffer.allocate(16).putLong(1).putInt(0).putInt(1).array();
        Handshake.Request mine = Handshake.request(new DataInputStream(toZero.getInputStream()), out, key, hello);
        Handshake.readReply(new DataInputStream(toZero.getInputStream()), key, mine, 0);
        int chunk = length / 2 * Float.BYTES;
        out.writeInt(chunk);
        out.write(new byte[chunk]);
        out.flush();
        ExecutionException e = assertThrows(ExecutionException.class, () -> zero.get(30, TimeUnit.SECONDS));
        return (IOException) e.getCause();
    }

    @Test
    void aNeighbourThatStopsReadingFailsTheMemberAfterTheTimeout() throws Exception {
        long t0 = System.nanoTime();
        IOException e = stalledNeighbour(Duration.ofSeconds(2), () -> false);
        assertTrue(e.getMessage().contains("rank 1") && e.getMessage().contains("stopped reading"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15), "bounded by the timeout");
    }

    @Test
    void aMemberBlockedOnANeighbourThatStopsReadingCanBeCancelled() throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        pool.submit(() -> {
            Thread.sleep(3000);
            cancelled.set(true);
            return null;
        });
        IOException e = stalledNeighbour(Duration.ofMinutes(5), cancelled::get);
        assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nonFiniteValuesAreRefused(boolean inDouble) throws Exception {
        List<ServerSocket> servers = Rings.listen(2);
        List<InetSocketAddress> addresses = Rings.addresses(servers);
        List<Future<Object>> results = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            int rank = r;
            results.add(pool.submit(() -> {
                try (Collective c = RingCollective.join(rank, addresses, servers.get(rank), Rings.credentials(false),
                        TIMEOUT, () -> false, refusals)) {
                    if (inDouble) {
                        double[] v = new double[10];
                        v[7] = rank == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
                        c.allReduceSum(v);
                        return v;
                    }
                    float[] v = new float[10];
                    v[7] = rank == 0 ? Float.NaN : Float.POSITIVE_INFINITY;
                    c.allReduceSum(v);
                    return v;
                }
            }));
        }
        for (Future<Object> f : results) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, e.getCause().toString());
        }
        String messages = causes(results);
        assertTrue(messages.contains("non-finite value (NaN) for element 7")
                || messages.contains("non-finite value (Infinity) for element 7"), messages);
    }

    @Test
    void lengthsOutOfRangeAreRefused() throws Exception {
        for (int announced : new int[]{-1, RingCollective.MAX_MESSAGE + 1}) {
            List<ServerSocket> servers = Rings.listen(2);
            List<InetSocketAddress> members = Rings.addresses(servers);
            Future<byte[][]> zero = pool.submit(() -> {
                try (Collective c = RingCollective.join(0, members, servers.get(0), Rings.credentials(false), TIMEOUT,
                        () -> false, refusals)) {
                    return c.allGather(new byte[3]);
                }
            });
            // rank 1 by hand: admits rank 0, connects to it, announces an impossible message
            byte[] key = Handshake.key(Rings.secret(false), "ring");
            Socket fromZero = servers.get(1).accept();
            open.add(fromZero);
            DataOutputStream reply = new DataOutputStream(fromZero.getOutputStream());
            byte[] nonce = Handshake.challenge(reply);
            Handshake.reply(reply, key, Handshake.readRequest(new DataInputStream(fromZero.getInputStream()), key,
                    nonce, 64), new byte[0]);
            Socket toZero = new Socket("127.0.0.1", members.get(0).getPort());
            open.add(toZero);
            DataOutputStream out = new DataOutputStream(toZero.getOutputStream());
            DataInputStream in = new DataInputStream(toZero.getInputStream());
            Handshake.Request mine = Handshake.request(in, out, key,
                    java.nio.ByteBuffer.allocate(16).putLong(1).putInt(0).putInt(1).array());
            Handshake.readReply(in, key, mine, 0);
            out.writeInt(announced);
            out.flush();
            ExecutionException e = assertThrows(ExecutionException.class, () -> zero.get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("announced a message of " + announced + " bytes"),
                    e.getCause().getMessage());
        }
    }

    private static String causes(List<? extends Future<?>> futures) {
        StringBuilder all = new StringBuilder();
        for (Future<?> f : futures) {
            try {
                f.get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                all.append(e.getCause() == null ? e : e.getCause().getMessage()).append('\n');
            }
        }
        return all.toString();
    }

    private void assertReason(SocketAddress peer, String expected) throws InterruptedException {
        String reason = refusals.of(peer, 5000);
        assertNotNull(reason, peer + " was not reported; reported:\n" + refusals);
        assertTrue(reason.contains(expected), peer + ": " + reason);
    }
}
