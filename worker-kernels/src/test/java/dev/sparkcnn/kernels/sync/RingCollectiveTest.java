package dev.sparkcnn.kernels.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RingCollectiveTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static float[] vector(int rank, int length) {
        Random random = new Random(rank);
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void allReduceSumsAndEveryMemberGetsTheSameBits(int size) throws Exception {
        int length = 100_003; // not a multiple of the ring size
        List<Future<float[]>> results = Rings.run(size, Rings.credentials(false), TIMEOUT, c -> {
            float[] v = vector(c.rank(), length);
            c.allReduceSum(v);
            c.allReduceSum(new float[3]); // shorter than the ring: empty chunks
            return v;
        });
        float[] first = results.get(0).get(30, TimeUnit.SECONDS);
        for (Future<float[]> f : results) {
            assertArrayEquals(first, f.get(30, TimeUnit.SECONDS), "every rank holds identical sums");
        }
        for (int i = 0; i < length; i += 1013) {
            double expected = 0;
            for (int r = 0; r < size; r++) {
                expected += vector(r, length)[i];
            }
            assertEquals(expected, first[i], 1e-5);
        }
    }

    /** In double, as all-reduce averaging sums its weighted states: no rounding to float on the way. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void allReduceSumInDoubleSumsInDoubleAndEveryMemberGetsTheSameBits(int size) throws Exception {
        int length = 100_003;
        List<Future<Object[]>> results = Rings.run(size, Rings.credentials(false), TIMEOUT, c -> {
            double[] v = doubles(c.rank(), length);
            long before = c.bytesSent();
            c.allReduceSum(v);
            long sent = c.bytesSent() - before;
            c.allReduceSum(new double[3]); // shorter than the ring: empty chunks
            return new Object[]{v, sent};
        });
        double[] first = (double[]) results.get(0).get(30, TimeUnit.SECONDS)[0];
        for (Future<Object[]> f : results) {
            Object[] r = f.get(30, TimeUnit.SECONDS);
            assertArrayEquals(first, (double[]) r[0], "every rank holds identical sums");
            // 2(N-1) chunks of about length/N doubles, each with a 4-byte length
            long payload = 2L * (size - 1) * length / size * Double.BYTES;
            assertEquals(payload, (long) r[1], 2L * (size - 1) * (Double.BYTES + Integer.BYTES));
        }
        for (int i = 0; i < length; i += 1013) {
            double expected = 0;
            for (int r = 0; r < size; r++) {
                expected += doubles(r, length)[i];
            }
            assertEquals(expected, first[i], 1e-12 * Math.abs(expected) + 1e-300);
        }
        // rank 0 sends 1, the others 2^-40 each: a float sum would stay 1
        assertEquals(1 + (size - 1) * 0x1p-40, first[length - 1]);
    }

    private static double[] doubles(int rank, int length) {
        float[] f = vector(rank, length);
        double[] v = new double[length];
        for (int i = 0; i < length - 1; i++) {
            v[i] = (double) f[i] * (rank + 7); // a float times an example count, as averaging sends
        }
        v[length - 1] = rank == 0 ? 1 : 0x1p-40;
        return v;
    }

    @Test
    void allGatherReturnsEveryMessageByRankAndCountsBytes() throws Exception {
        int size = 4;
        List<Future<Object[]>> results = Rings.run(size, Rings.credentials(false), TIMEOUT, c -> {
            byte[] mine = new byte[c.rank() * 10];
            java.util.Arrays.fill(mine, (byte) c.rank());
            byte[][] all = c.allGather(mine);
            return new Object[]{all, c.bytesSent()};
        });
        for (Future<Object[]> f : results) {
            Object[] r = f.get(30, TimeUnit.SECONDS);
            byte[][] all = (byte[][]) r[0];
            for (int rank = 0; rank < size; rank++) {
                assertEquals(rank * 10, all[rank].length);
                for (byte b : all[rank]) {
                    assertEquals(rank, b);
                }
            }
            // each member forwards N-1 of the N messages, each with a 4-byte length
            long sent = (long) r[1];
            assertTrue(sent >= 3 * 4 && sent <= 3 * 4 + 30 + 20 + 10, "sent " + sent);
        }
    }

    @Test
    void aFailingMemberMakesTheOthersFailPromptlyNamingIt() throws Exception {
        long start = System.nanoTime();
        List<Future<float[]>> results = Rings.run(3, Rings.credentials(false), TIMEOUT, c -> {
            if (c.rank() == 1) {
                throw new IllegalStateException("injected");
            }
            float[] v = new float[1000];
            c.allReduceSum(v);
            return v;
        });
        for (int r = 0; r < 3; r++) {
            ExecutionException e = assertThrows(ExecutionException.class, results.get(r)::get);
            if (r != 1) {
                assertInstanceOf(IOException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("rank "), e.getCause().getMessage());
            }
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "failure propagates without timeouts");
    }

    @Test
    void aConnectionWithTheWrongTokenIsIgnored() throws Exception {
        List<ServerSocket> servers = Rings.listen(2);
        List<InetSocketAddress> addresses = Rings.addresses(servers);
        // a stranger connects to rank 1 first, with the wrong token
        try (Socket stranger = new Socket()) {
            stranger.connect(addresses.get(1));
            DataOutputStream out = new DataOutputStream(stranger.getOutputStream());
            out.writeInt(0x53434e52);
            out.writeLong(999);
            out.writeInt(0);
            out.flush();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            List<Future<float[]>> results = new java.util.ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int rank = r;
                results.add(pool.submit(() -> {
                    try (Collective c = RingCollective.join(rank, addresses, servers.get(rank), Rings.credentials(false), TIMEOUT,
                            () -> false)) {
                        float[] v = {rank + 1f};
                        c.allReduceSum(v);
                        return v;
                    }
                }));
            }
            for (Future<float[]> f : results) {
                assertArrayEquals(new float[]{3f}, f.get(30, TimeUnit.SECONDS));
            }
            pool.shutdown();
        }
    }

    @Test
    void cancellationEndsAWaitingMember() throws Exception {
        List<ServerSocket> servers = Rings.listen(2);
        List<InetSocketAddress> addresses = Rings.addresses(servers);
        AtomicBoolean cancelled = new AtomicBoolean();
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        // rank 1 never shows up; rank 0 waits until cancelled
        Future<?> waiting = pool.submit(() -> RingCollective.join(0, addresses, servers.get(0), Rings.credentials(false), TIMEOUT,
                cancelled::get));
        Thread.sleep(700);
        cancelled.set(true);
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("cancelled"), e.getCause().getMessage());
        servers.get(1).close();
        pool.shutdown();
    }

    @Test
    void anAbsentMemberIsReportedAfterTheTimeout() throws Exception {
        List<ServerSocket> servers = Rings.listen(2);
        List<InetSocketAddress> addresses = Rings.addresses(servers);
        servers.get(1).close(); // nobody listens at rank 1's address any more
        IOException e = assertThrows(IOException.class, () -> RingCollective.join(0, addresses, servers.get(0), Rings.credentials(false),
                Duration.ofSeconds(2), () -> false));
        assertTrue(e.getMessage().contains("rank 1"), e.getMessage());
    }
}
