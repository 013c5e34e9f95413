package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.bench.ExchangeReport;
import dev.sparkcnn.driver.bench.ProjectionReport;
import dev.sparkcnn.driver.bench.ScalingProjection.Costs;
import dev.sparkcnn.driver.bench.ScalingProjection.Network;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparkcnn bench project}: projected scaling efficiency of each strategy on larger clusters. */
@Command(name = "project", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Project each strategy's scaling efficiency for every catalogue network on 8, 32 and 128 "
                + "executors over 10 and 25 Gb/s links, from the exchange cost model fitted by bench exchange "
                + "(--exchange), each network's measured images/s per executor (bench kernels), threshold "
                + "exchange's measured ratio (bench strategies) and Spark's job overhead. A projection, not a "
                + "measurement: it prints every input and where it came from.",
                "Example: sparkcnn bench exchange --json exchange.json && sparkcnn bench project --exchange "
                        + "exchange.json"})
public final class ProjectCommand implements Callable<Integer> {
    @Option(names = "--exchange", paramLabel = "FILE",
            description = "bench exchange --json output: per-hop latency and host bandwidth come from its fits.")
    Path exchange;

    @Option(names = "--hop-latency-us", paramLabel = "US", description = "Per-hop latency (overrides --exchange).")
    Double hopLatencyUs;

    @Option(names = "--host-gbs", paramLabel = "GB/S",
            description = "Bytes a member can move per second, in GB/s (overrides --exchange).")
    Double hostGbs;

    @Option(names = "--images-per-second", paramLabel = "MODEL=N", split = ",",
            defaultValue = "cifar-cnn=5806,mnist-cnn=7377,simple-cnn=10437",
            description = "Per-executor training images/s (default: bench kernels --engines native, 2 threads, "
                    + "commit ea50017, 2026-12-05: ${DEFAULT-VALUE}).")
    Map<String, Double> imagesPerSecond;

    @Option(names = "--threshold-ratio", paramLabel = "R", defaultValue = "0.0085",
            description = "Threshold exchange's bytes per step / dense bytes (default: bench strategies, density "
                    + "0.03, 2026-11-25: ${DEFAULT-VALUE}).")
    double thresholdRatio;

    @Option(names = "--job-overhead-ms", paramLabel = "MS", defaultValue = "100",
            description = "Seconds of one Spark job of parameter averaging, in ms (default: ${DEFAULT-VALUE}, "
                    + "from the event log of a local run).")
    double jobOverheadMs;

    @Option(names = "--task-overhead-ms", paramLabel = "MS", defaultValue = "1",
            description = "Driver time per task of a job, in ms (default: ${DEFAULT-VALUE}, an assumption).")
    double taskOverheadMs;

    @Option(names = "--executors", paramLabel = "LIST", split = ",", defaultValue = "8,32,128",
            description = "Executor counts (default: ${DEFAULT-VALUE}).")
    List<Integer> executors;

    @Option(names = "--links-gbps", paramLabel = "LIST", split = ",", defaultValue = "10,25",
            description = "Link speeds in Gb/s (default: ${DEFAULT-VALUE}).")
    List<Double> links;

    @Option(names = "--k", paramLabel = "LIST", split = ",", defaultValue = "5,20,100",
            description = "Local steps per average of the averaging strategies (default: ${DEFAULT-VALUE}).")
    List<Integer> ks;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws IOException {
        List<String> sources = new ArrayList<>();
        double hop;
        double host;
        if (exchange != null) {
            ExchangeReport measured = readExchange();
            hop = ProjectionReport.hopLatency(measured.perMembers(), measured.cores());
            host = measured.perMembers().getOrDefault(2, measured.fit()).beta();
            sources.add(String.format("exchange (measured, %s): per-hop latency %.1f us from the per-N alphas of N <= "
                    + "%d cores; host bandwidth %.3f GB/s from the N=2 fit (loopback, one core per member)", exchange,
                    hop * 1e6, measured.cores(), host / 1e9));
        } else if (hopLatencyUs == null || hostGbs == null) {
            throw new ConfigException("give --exchange FILE (from bench exchange --json) or both --hop-latency-us "
                    + "and --host-gbs");
        } else {
            hop = 0;
            host = 0;
        }
        if (hopLatencyUs != null) {
            hop = nonNegative("--hop-latency-us", hopLatencyUs) * 1e-6;
            sources.add(String.format("per-hop latency %.1f us (given)", hopLatencyUs));
        }
        if (hostGbs != null) {
            host = nonNegative("--host-gbs", hostGbs) * 1e9;
            sources.add(String.format("host bandwidth %.3f GB/s (given)", hostGbs));
        }
        sources.add(String.format("threshold exchange ratio %.4f (bench strategies); Spark job %.0f ms + %.1f ms per "
                + "task (parameter averaging)", thresholdRatio, jobOverheadMs, taskOverheadMs));
        Costs costs;
        try {
            costs = new Costs(hop, host, 1, jobOverheadMs / 1e3, taskOverheadMs / 1e3, thresholdRatio);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        checkLists();
        List<Network> networks = new ArrayList<>();
        for (String model : imagesPerSecond.keySet()) {
            if (!ModelCatalogue.names().contains(model)) {
                throw new ConfigException("--images-per-second: '" + model + "' is not a catalogue model; use "
                        + String.join(", ", ModelCatalogue.names()));
            }
        }
        for (String model : ModelCatalogue.names()) { // the networks measured, in catalogue order
            Double rate = imagesPerSecond.get(model);
            if (rate == null) {
                continue;
            }
            if (!(rate > 0)) {
                throw new ConfigException("--images-per-second: give a positive value for " + model);
            }
            networks.add(ProjectionReport.network(model, rate));
        }
        new ProjectionReport(networks, costs, List.copyOf(links), executors.stream().sorted().toList(),
                List.copyOf(ks), sources).print(command.commandLine().getOut());
        return 0;
    }

    private ExchangeReport readExchange() throws IOException {
        if (!Files.isRegularFile(exchange)) {
            throw new ConfigException("--exchange: " + exchange + " is not a file; write one with bench exchange "
                    + "--json FILE");
        }
        return Json.read(Files.readString(exchange), ExchangeReport.class, exchange.toString());
    }

    private void checkLists() {
        if (executors.isEmpty() || executors.stream().anyMatch(n -> n < 2)) {
            throw new ConfigException("--executors: each count must be at least 2, got " + executors);
        }
        if (links.isEmpty() || links.stream().anyMatch(g -> !(g > 0))) {
            throw new ConfigException("--links-gbps: each speed must be > 0, got " + links);
        }
        if (ks.isEmpty() || ks.stream().anyMatch(k -> k < 1)) {
            throw new ConfigException("--k: each K must be at least 1, got " + ks);
        }
    }

    private static double nonNegative(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ConfigException(option + " must be a number >= 0, got " + value);
        }
        return value;
    }
}
