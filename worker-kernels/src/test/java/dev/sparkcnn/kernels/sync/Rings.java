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

    /** Runs {@code member} on every rank; returns the futures, in rank order. */
    static <T> List<Future<T>> run(int size, long token, Duration timeout, Member<T> member) throws Exception {
        List<ServerSocket> servers = listen(size);
        List<InetSocketAddress> addresses = addresses(servers);
        ExecutorService pool = Executors.newFixedThreadPool(size);
        List<Future<T>> futures = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            int rank = r;
            Callable<T> task = () -> {
                try (Collective c = RingCollective.join(rank, addresses, servers.get(rank), token, timeout,
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
