package dev.sparkcnn.kernels.sync;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures ring all-reduce throughput on loopback in clear and encrypted, alternating, in one
 * process (so both see the same machine load): {@code java -cp ... RingThroughput [members]
 * [floats] [repeats] [rounds]}. Prints the median time per all-reduce and the ratio.
 */
final class RingThroughput {
    private RingThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int floats = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3; // the first ones warm up the JIT (GCM intrinsics)
        for (int round = 0; round < rounds; round++) {
            double clear = median(size, floats, repeats, false);
            double sealed = median(size, floats, repeats, true);
            System.out.printf("%d members, %d floats: in clear %.1f ms, encrypted %.1f ms per all-reduce (x%.2f)%n",
                    size, floats, clear * 1e3, sealed * 1e3, sealed / clear);
        }
    }

    private static double median(int size, int floats, int repeats, boolean encrypted) throws Exception {
        List<ServerSocket> servers = Rings.listen(size);
        List<InetSocketAddress> addresses = Rings.addresses(servers);
        RoundCredentials credentials = new RoundCredentials(Rings.secret(encrypted), 1, 0);
        ExecutorService pool = Executors.newFixedThreadPool(size);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int r = 0; r < size; r++) {
                int rank = r;
                results.add(pool.submit(() -> {
                    try (Collective c = RingCollective.join(rank, addresses, servers.get(rank), credentials,
                            Duration.ofSeconds(60), () -> false)) {
                        float[] v = new float[floats];
                        double[] seconds = new double[repeats];
                        for (int i = 0; i < repeats; i++) {
                            java.util.Arrays.fill(v, 0.001f);
                            long t0 = System.nanoTime();
                            c.allReduceSum(v);
                            seconds[i] = (System.nanoTime() - t0) / 1e9;
                        }
                        return seconds;
                    }
                }));
            }
            double[] seconds = results.get(0).get();
            for (Future<double[]> f : results) {
                f.get();
            }
            java.util.Arrays.sort(seconds);
            return seconds[seconds.length / 2];
        } finally {
            pool.shutdownNow();
        }
    }
}
