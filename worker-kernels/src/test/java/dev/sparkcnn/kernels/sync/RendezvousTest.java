package dev.sparkcnn.kernels.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The driver-side meeting point of a synchronous round's replicas. */
class RendezvousTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static RunSecret secret(int seed) {
        byte[] key = new byte[RunSecret.BYTES];
        java.util.Arrays.fill(key, (byte) seed);
        return RunSecret.of(key, false);
    }

    private Future<List<InetSocketAddress>> join(Rendezvous.Server server, int secret, long round, int attempt,
                                                 int rank, int size) {
        return pool.submit(() -> Rendezvous.join(new InetSocketAddress("127.0.0.1", server.port()),
                new RoundCredentials(secret(secret), round, attempt), rank, size, new InetSocketAddress("10.0.0." + (rank + 1), 5000 + rank), TIMEOUT, () -> false));
    }

    @Test
    void everyMemberGetsAllAddressesInRankOrderWithinMilliseconds() throws Exception {
        try (Rendezvous.Server server = Rendezvous.Server.open("127.0.0.1", secret(77))) {
            long t0 = System.nanoTime();
            List<Future<List<InetSocketAddress>>> members = new ArrayList<>();
            for (int rank : new int[]{2, 0, 1}) {
                members.add(join(server, 77, 1, 0, rank, 3));
            }
            for (Future<List<InetSocketAddress>> m : members) {
                List<InetSocketAddress> all = m.get(20, TimeUnit.SECONDS);
                assertEquals(3, all.size());
                for (int r = 0; r < 3; r++) {
                    assertEquals("10.0.0." + (r + 1), all.get(r).getHostString());
                    assertEquals(5000 + r, all.get(r).getPort());
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 0.9, "met in " + seconds + " s; Spark's allGather takes at least 1 s");
        }
    }

    @Test
    void aWrongTokenIsRefusedAndARetriedAttemptFormsANewGroup() throws Exception {
        try (Rendezvous.Server server = Rendezvous.Server.open("127.0.0.1", secret(5))) {
            ExecutionException wrong = assertThrows(ExecutionException.class,
                    () -> join(server, 6, 1, 0, 0, 1).get(20, TimeUnit.SECONDS));
            assertTrue(wrong.getCause() instanceof IOException);
            assertTrue(wrong.getCause().getMessage().contains("without an answer"), wrong.getCause().getMessage());

            // attempt 0 of round 2 loses a member; attempt 1 meets in full
            Future<List<InetSocketAddress>> stale = join(server, 5, 2, 0, 0, 2);
            Thread.sleep(200);
            Future<List<InetSocketAddress>> a = join(server, 5, 2, 1, 0, 2);
            Future<List<InetSocketAddress>> b = join(server, 5, 2, 1, 1, 2);
            assertEquals(2, a.get(20, TimeUnit.SECONDS).size());
            assertEquals(a.get(), b.get());
            ExecutionException abandoned = assertThrows(ExecutionException.class, () -> stale.get(20, TimeUnit.SECONDS));
            assertTrue(abandoned.getCause() instanceof IOException);
        }
    }

    @Test
    void aWaitingMemberStopsWhenCancelled() throws Exception {
        try (Rendezvous.Server server = Rendezvous.Server.open("127.0.0.1", secret(9))) {
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> Rendezvous.join(
                    new InetSocketAddress("127.0.0.1", server.port()), new RoundCredentials(secret(9), 1, 0), 0, 2,
                    new InetSocketAddress("127.0.0.1", 1), TIMEOUT, () -> System.nanoTime() - t0 > 300_000_000L));
            assertTrue(e instanceof InterruptedIOException, e.toString());
        }
    }
}
