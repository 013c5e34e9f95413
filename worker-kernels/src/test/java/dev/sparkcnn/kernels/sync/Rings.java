package dev.sparkcnn.kernels.sync;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Test helper: N members on loopback, one thread each, as Spark's barrier tasks would run them. */
final class Rings {

    interface Member<T> {
        T run(Collective collective) throws Exception;
    }

    private Rings() {
    }

    /** A fixed run secret (tests only), in clear or encrypted. */
    static RunSecret secret(boolean encrypted) {
        byte[] key = new byte[RunSecret.BYTES];
        java.util.Arrays.fill(key, (byte) 7);
        return RunSecret.of(key, encrypted);
    }

    /** Credentials of round 1, attempt 0 with {@link #secret}. */
    static RoundCredentials credentials(boolean encrypted) {
        return new RoundCredentials(secret(encrypted), 1, 0);
    }

    static List<ServerSocket> listen(int size) throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            servers.add(RingCollective.listen("127.0.0.1"));
        }
        return servers;
    }

    static List<InetSocketAddress> addresses(List<ServerSocket> servers) {
        return servers.stream().map(s -> new InetSocketAddress("127.0.0.1", s.getLocalPort())).toList();
    }

    /** {@link #run(int, RoundCredentials, Duration, Member)} with a secret made from {@code seed}, in clear. */
    static <T> List<Future<T>> run(int size, long seed, Duration timeout, Member<T> member) throws Exception {
        byte[] key = new byte[RunSecret.BYTES];
        new java.util.Random(seed).nextBytes(key);
        return run(size, new RoundCredentials(RunSecret.of(key, false), 1, 0), timeout, member);
    }

    /** Runs {@code member} on every rank; returns the futures, in rank order. */
    static <T> List<Future<T>> run(int size, RoundCredentials credentials, Duration timeout, Member<T> member) throws Exception {
        List<ServerSocket> servers = listen(size);
        List<InetSocketAddress> addresses = addresses(servers);
        ExecutorService pool = Executors.newFixedThreadPool(size);
        List<Future<T>> futures = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            int rank = r;
            Callable<T> task = () -> {
                try (Collective c = RingCollective.join(rank, addresses, servers.get(rank), credentials, timeout,
                        () -> false)) {
                    return member.run(c);
                }
            };
            futures.add(pool.submit(task));
        }
        pool.shutdown();
        return futures;
    }
}
