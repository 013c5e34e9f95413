package dev.sparkcnn.kernels.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A recording proxy between rank 0 and rank 1 of a 3-ring: with encryption, nothing it captures
 * contains 64 consecutive bytes of the parameters or gradients all-reduced, nor of their sums;
 * in clear it finds them (so the test can fail).
 */
class RingEncryptionTest {
    private static final int RUN = 64;
    private static final int LENGTH = 60_000;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRecordingProxyBetweenTwoRanksSeesNoRunOfFloatBytesOnlyWhenEncrypted(boolean encrypted) throws Exception {
        List<ServerSocket> servers = Rings.listen(3);
        List<InetSocketAddress> real = Rings.addresses(servers);
        RoundCredentials credentials = new RoundCredentials(Rings.secret(encrypted), 4, 0);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (RecordingProxy proxy = new RecordingProxy(real.get(1))) {
            List<InetSocketAddress> viaProxy = List.of(real.get(0), proxy.address(), real.get(2));
            Future<?>[] members = new Future<?>[3];
            for (int r = 0; r < 3; r++) {
                int rank = r;
                List<InetSocketAddress> view = rank == 0 ? viaProxy : real;
                members[r] = pool.submit(() -> {
                    try (Collective c = RingCollective.join(rank, view, servers.get(rank), credentials,
                            Duration.ofSeconds(20), () -> false)) {
                        float[] params = vector(rank, 1);
                        float[] gradients = vector(rank, 2);
                        c.allReduceSum(params);
                        c.allReduceSum(gradients);
                        byte[][] all = c.allGather(floatBytes(vector(rank, 3)));
                        return new Object[]{params, gradients, all};
                    }
                });
            }
            Object[] zero = (Object[]) members[0].get(60, TimeUnit.SECONDS);
            for (Future<?> m : members) {
                Object[] other = (Object[]) m.get(60, TimeUnit.SECONDS);
                assertArrayEquals((float[]) zero[0], (float[]) other[0], "the same sums with and without encryption");
            }
            assertArrayEquals(floatBytes(vector(2, 3)), ((byte[][]) zero[2])[2]);
            byte[] captured = proxy.everything();
            assertTrue(captured.length > 2 * LENGTH * Float.BYTES, "the proxy carried the traffic: " + captured.length);

            Set<ByteBuffer> runs = new HashSet<>();
            for (int rank = 0; rank < 3; rank++) {
                for (int kind = 1; kind <= 3; kind++) {
                    addRuns(runs, floatBytes(vector(rank, kind)));
                }
            }
            addRuns(runs, floatBytes((float[]) zero[0]));
            addRuns(runs, floatBytes((float[]) zero[1]));
            int found = 0;
            for (int i = 0; i + RUN <= captured.length; i++) {
                if (runs.contains(ByteBuffer.wrap(captured, i, RUN))) {
                    found++;
                }
            }
            if (encrypted) {
                assertEquals(0, found, "64-byte runs of float bytes seen through encryption");
            } else {
                assertTrue(found > 1000, "only " + found + " runs of float bytes seen in clear");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static float[] vector(int rank, int kind) {
        Random random = new Random(31L * rank + kind);
        float[] v = new float[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            v[i] = (float) random.nextGaussian() * 0.01f;
        }
        return v;
    }

    private static byte[] floatBytes(float[] v) {
        ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(v);
        return bytes.array();
    }

    /** Every 64-byte run starting at a float boundary. */
    private static void addRuns(Set<ByteBuffer> runs, byte[] bytes) {
        for (int i = 0; i + RUN <= bytes.length; i += Float.BYTES) {
            runs.add(ByteBuffer.wrap(bytes, i, RUN).slice());
        }
    }
}
