package dev.sparkcnn.driver.bench;

import dev.sparkcnn.kernels.sync.RingCollective;
import dev.sparkcnn.kernels.sync.RoundCredentials;
import dev.sparkcnn.kernels.sync.RunSecret;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One ring member of {@code bench exchange}, a JVM of its own. It talks to {@link ExchangeBenchmark}
 * on stdin/stdout: prints {@code port P} (its ring listening port), reads {@code TOKEN PORT0 PORT1 ...}
 * (the shared secret and every member's port, by rank; on stdin so the token is not on a command
 * line), joins the ring, and for each message size runs warm-up and timed all-reduces, printing
 * {@code time BYTES REP NANOS} per timed one and {@code done} at the end.
 *
 * <p>First, 30 untimed all-reduces of 256 KB let the JIT compile the ring's loops. Before each timed all-reduce the members meet in a one-float all-reduce, so every member
 * starts the timed one at about the same moment. Every result is checked (each element must equal
 * the member count); a wrong sum ends the member with status 1.
 *
 * <p>Arguments: {@code rank size warmup reps bytes[,bytes...]}.
 */
public final class ExchangeMember {
    private static final int JIT_WARMUP_CALLS = 30;
    private static final int JIT_WARMUP_FLOATS = 64 << 10;

    private ExchangeMember() {
    }

    public static void main(String[] args) throws Exception {
        int rank = Integer.parseInt(args[0]);
        int size = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        int reps = Integer.parseInt(args[3]);
        long[] sizes = Arrays.stream(args[4].split(",")).mapToLong(Long::parseLong).toArray();
        PrintStream out = System.out;
        ServerSocket server = RingCollective.listen("127.0.0.1");
        out.println("port " + server.getLocalPort());
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String[] line = in.readLine().trim().split(" ");
        RoundCredentials credentials = new RoundCredentials(
                RunSecret.of(java.util.HexFormat.of().parseHex(line[0]), false), 0, 0);
        List<InetSocketAddress> members = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            members.add(new InetSocketAddress("127.0.0.1", Integer.parseInt(line[1 + r])));
        }
        try (RingCollective ring = RingCollective.join(rank, members, server, credentials, Duration.ofSeconds(120),
                () -> false)) {
            float[] barrier = new float[1];
            float[] jit = new float[JIT_WARMUP_FLOATS];
            for (int i = 0; i < JIT_WARMUP_CALLS; i++) { // compile the copy and add loops before any timing
                ring.allReduceSum(jit);
            }
            for (long bytes : sizes) {
                float[] values = new float[(int) (bytes / Float.BYTES)];
                for (int rep = 0; rep < warmup + reps; rep++) {
                    Arrays.fill(values, 1f);
                    ring.allReduceSum(barrier);
                    long start = System.nanoTime();
                    ring.allReduceSum(values);
                    long nanos = System.nanoTime() - start;
                    check(values, size, rank, bytes);
                    if (rep >= warmup) {
                        out.println("time " + bytes + " " + (rep - warmup) + " " + nanos);
                    }
                }
                out.flush();
            }
        }
        out.println("done");
        out.flush();
    }

    private static void check(float[] values, int size, int rank, long bytes) {
        for (int i = 0; i < values.length; i += Math.max(1, values.length / 1024)) {
            if (values[i] != size) {
                System.err.println("rank " + rank + ": all-reduce of " + bytes + " bytes gave " + values[i]
                        + " at element " + i + ", expected " + size);
                System.exit(1);
            }
        }
        if (values[values.length - 1] != size) {
            System.err.println("rank " + rank + ": all-reduce of " + bytes + " bytes gave a wrong last element");
            System.exit(1);
        }
    }
}
