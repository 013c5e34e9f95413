package dev.sparkcnn.driver.bench;

import dev.sparkcnn.driver.bench.ExchangeModel.Point;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code bench exchange}: for each member count N, starts N {@link ExchangeMember} JVMs on loopback
 * that form one ring of the project's {@code RingCollective}, times its all-reduce of each message
 * size (an all-reduce ends when its slowest member ends: per repetition the maximum over members,
 * then the median over repetitions), and fits {@link ExchangeModel} to the points.
 *
 * @param members member counts, each at least 2
 * @param sizes   message sizes in bytes (multiples of 4: float vectors)
 * @param warmup  untimed all-reduces per size
 * @param reps    timed all-reduces per size
 */
public record ExchangeBenchmark(List<Integer> members, List<Long> sizes, int warmup, int reps) {

    private static final long MEMBER_TIMEOUT_MINUTES = 20;

    /** The measured points, in member-count then size order. */
    public List<Point> measure(PrintWriter out) {
        Path logs = BenchFiles.scratch("sparkcnn-bench-exchange");
        try {
            List<Point> points = new ArrayList<>();
            for (int n : members) {
                out.printf("N=%d: starting %d member JVMs ...%n", n, n);
                out.flush();
                points.addAll(ring(n, logs));
            }
            BenchFiles.delete(logs);
            return points;
        } catch (IOException e) {
            throw new UncheckedIOException("bench exchange failed (member logs kept in " + logs + "): "
                    + e.getMessage(), e);
        }
    }

    private List<Point> ring(int n, Path logs) throws IOException {
        List<Process> processes = new ArrayList<>();
        try {
            String sizeList = sizes.stream().map(String::valueOf).collect(Collectors.joining(","));
            for (int rank = 0; rank < n; rank++) {
                ProcessBuilder builder = new ProcessBuilder(javaCommand(), "-Xmx" + heapMb() + "m",
                        "-Xmn" + youngMb() + "m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                        ExchangeMember.class.getName(), String.valueOf(rank), String.valueOf(n),
                        String.valueOf(warmup), String.valueOf(reps), sizeList);
                builder.redirectError(logs.resolve("member-" + n + "-" + rank + ".log").toFile());
                processes.add(builder.start());
            }
            List<BufferedReader> outputs = new ArrayList<>();
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            StringBuilder ports = new StringBuilder(java.util.HexFormat.of().formatHex(secret));
            for (Process p : processes) {
                BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.US_ASCII));
                outputs.add(reader);
                String line = reader.readLine();
                if (line == null || !line.startsWith("port ")) {
                    throw new IOException("a member JVM did not report its port (see its log in " + logs + ")");
                }
                ports.append(' ').append(line.substring(5));
            }
            for (Process p : processes) {
                try (Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.US_ASCII)) {
                    w.write(ports + "\n");
                }
            }
            // nanos[size][rep]: the slowest member's time
            long[][] slowest = new long[sizes.size()][reps];
            for (int rank = 0; rank < n; rank++) {
                readTimes(outputs.get(rank), rank, slowest, logs);
            }
            for (int rank = 0; rank < n; rank++) {
                Process p = processes.get(rank);
                if (!p.waitFor(MEMBER_TIMEOUT_MINUTES, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new IOException("member " + rank + " of " + n + " failed (see " + logs + ")");
                }
            }
            List<Point> points = new ArrayList<>();
            for (int s = 0; s < sizes.size(); s++) {
                points.add(new Point(n, sizes.get(s), median(slowest[s]) / 1e9));
            }
            return points;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            processes.forEach(Process::destroy);
        }
    }

    private void readTimes(BufferedReader reader, int rank, long[][] slowest, Path logs) throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.equals("done")) {
                return;
            }
            String[] f = line.split(" ");
            if (f.length == 4 && f[0].equals("time")) {
                int s = sizes.indexOf(Long.parseLong(f[1]));
                int rep = Integer.parseInt(f[2]);
                slowest[s][rep] = Math.max(slowest[s][rep], Long.parseLong(f[3]));
            }
        }
        throw new IOException("member " + rank + " ended before finishing (see its log in " + logs + ")");
    }

    /**
     * Heap per member: the vector plus a young generation that holds several calls' chunk buffers
     * (the ring allocates two per call), so collections stay rare during the timed calls.
     */
    private int heapMb() {
        long largestMb = sizes.stream().mapToLong(Long::longValue).max().orElse(0) >> 20;
        return (int) Math.max(256, 6 * largestMb + 128);
    }

    private int youngMb() {
        return heapMb() * 2 / 3;
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2.0;
    }
}
