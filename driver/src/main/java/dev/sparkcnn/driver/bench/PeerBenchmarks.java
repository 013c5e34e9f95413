package dev.sparkcnn.driver.bench;

import dev.sparkcnn.driver.config.ConfigException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The peer rows of {@code bench strategies}: finds the named {@link PeerSystem}s on the class path,
 * runs them on the same data and settings, prints their rows in the strategies table and the
 * ratio of sparkcnn's images/s to each peer row's, with the accuracy difference.
 */
public final class PeerBenchmarks {
    private final List<String> names;

    public PeerBenchmarks(List<String> names) {
        this.names = List.copyOf(names);
    }

    /**
     * Checks, before anything runs, that every named peer is on the class path.
     *
     * @throws ConfigException naming the missing peer and how to get it
     */
    public void check() {
        Map<String, PeerSystem> available = available();
        for (String name : names) {
            if (!available.containsKey(name)) {
                throw new ConfigException("--peers " + name + ": " + (available.isEmpty() ? "no peer system is on "
                        + "the class path" : "not on the class path (available: " + String.join(", ",
                        available.keySet()) + ")") + "; build module peers (mvn -q -DskipTests package -pl peers "
                        + "-am) and run through bin/sparkcnn, which adds it when --peers is given");
            }
        }
    }

    /** Runs the peers after sparkcnn's {@code rows} and prints their rows and the ratios. */
    public List<PeerRow> run(PeerRun run, List<StrategiesBenchmark.Row> rows, PrintWriter out) {
        Map<String, PeerSystem> available = available();
        List<PeerRow> peerRows = new ArrayList<>();
        for (String name : names) {
            for (PeerRow row : available.get(name).run(run, out)) {
                print(row, out);
                peerRows.add(row);
            }
        }
        ratios(rows, peerRows, out);
        return peerRows;
    }

    private static void print(PeerRow row, PrintWriter out) {
        if (row.error() != null) {
            out.printf("%-42s failed: %s%n", row.strategy(), row.error());
        } else {
            out.printf("%-42s %9.0f %10s %9.4f %9s %7.1fs  %s%n", row.strategy(), row.imagesPerSecond(), "-",
                    row.heldOutAccuracy(), row.testAccuracy() == null ? "-"
                            : String.format("%.4f", row.testAccuracy()), row.seconds(),
                    row.note() == null ? "" : row.note());
        }
        out.flush();
    }

    /** sparkcnn's fastest row against every peer row that ran. */
    private static void ratios(List<StrategiesBenchmark.Row> rows, List<PeerRow> peerRows, PrintWriter out) {
        StrategiesBenchmark.Row best = rows.stream()
                .max(Comparator.comparingDouble(StrategiesBenchmark.Row::imagesPerSecond)).orElse(null);
        if (best == null) {
            return;
        }
        for (PeerRow peer : peerRows) {
            if (peer.error() == null && peer.imagesPerSecond() > 0) {
                out.printf("%s vs %s: %.1fx images/s, held-out accuracy %+.4f%n", best.strategy(), peer.strategy(),
                        best.imagesPerSecond() / peer.imagesPerSecond(),
                        best.testAccuracy() - peer.heldOutAccuracy());
            }
        }
        out.flush();
    }

    private static Map<String, PeerSystem> available() {
        Map<String, PeerSystem> found = new TreeMap<>();
        for (PeerSystem peer : ServiceLoader.load(PeerSystem.class)) {
            found.put(peer.name(), peer);
        }
        return found;
    }
}
