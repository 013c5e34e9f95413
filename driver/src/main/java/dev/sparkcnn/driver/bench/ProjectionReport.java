package dev.sparkcnn.driver.bench;

import dev.sparkcnn.driver.bench.ScalingProjection.Costs;
import dev.sparkcnn.driver.bench.ScalingProjection.Network;
import dev.sparkcnn.driver.bench.ScalingProjection.Strategy;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.NetworkFactory;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code bench project}: prints the inputs (measured, or assumed, and which) and, per link speed
 * and catalogue network, each strategy's projected efficiency at the chosen executor counts, where
 * it stops scaling (efficiency below 50%) and what K or batch keeps 80% at the largest count.
 *
 * @param networks  the networks and their measured per-executor throughput
 * @param base      communication costs (the wire bandwidth is replaced per link)
 * @param links     link speeds in Gb/s
 * @param executors executor counts, ascending
 * @param ks        K values of the averaging strategies
 * @param sources   one line per input saying where it comes from
 */
public record ProjectionReport(List<Network> networks, Costs base, List<Double> links, List<Integer> executors,
                               List<Integer> ks, List<String> sources) {

    /**
     * A catalogue network's inputs: its parameter count and optimizer vectors from the native engine's
     * layout on the input shape {@code bench kernels} uses, its default batch, and the given images/s.
     */
    public static Network network(String model, double imagesPerSecond) {
        DatasetSpec data = model.equals(ModelCatalogue.MNIST_CNN)
                ? new DatasetSpec(1, 28, 28, DatasetSpec.numberedClasses(KernelFlops.CLASSES))
                : new DatasetSpec(3, 32, 32, DatasetSpec.numberedClasses(KernelFlops.CLASSES));
        try (var net = NetworkFactory.create(ModelSpec.of(model, data, null, 42), NetworkFactory.NATIVE)) {
            long params = net.numParams();
            int vectors = (int) (1 + net.updaterStateSize() / params);
            return new Network(model, params, vectors, ModelCatalogue.defaults(model).batchSize(), imagesPerSecond);
        }
    }

    /**
     * The per-hop latency implied by per-N fits of the ring model (alpha_N = 2(N-1) λ, least squares
     * through the origin), from the member counts that did not share cores.
     */
    public static double hopLatency(Map<Integer, ExchangeModel> perMembers, int cores) {
        double num = 0;
        double den = 0;
        for (Map.Entry<Integer, ExchangeModel> e : perMembers.entrySet()) {
            if (e.getKey() <= Math.max(2, cores)) {
                double hops = 2.0 * (e.getKey() - 1);
                num += Math.max(0, e.getValue().alpha()) * hops;
                den += hops * hops;
            }
        }
        return den == 0 ? 0 : num / den;
    }

    public void print(PrintWriter out) {
        out.println("PROJECTION from a cost model, not a measurement. Inputs:");
        sources.forEach(s -> out.println("  " + s));
        for (Network n : networks) {
            out.printf("  %s: %,d parameters, %d vectors per average, batch %d, %.0f images/s per executor "
                    + "-> %.2f ms per step%n", n.model(), n.params(), n.vectors(), n.batchSize(),
                    n.imagesPerSecond(), n.stepSeconds() * 1e3);
        }
        int largest = executors.get(executors.size() - 1);
        for (double gbps : links) {
            Costs costs = new Costs(base.hopLatency(), base.hostBandwidth(), Costs.gigabits(gbps),
                    base.jobOverhead(), base.taskOverhead(), base.thresholdRatio());
            out.printf("%n%.0f Gb/s links (a member moves min(link, host) = %.2f GB/s); efficiency = compute / "
                    + "(compute + communication) per step%n", gbps, costs.bandwidth() / 1e9);
            for (Network network : networks) {
                ScalingProjection projection = new ScalingProjection(network, costs);
                out.printf("%n  %s%n  %-34s", network.model(), "strategy");
                executors.forEach(e -> out.printf(" %7s", "N=" + e));
                out.printf(" %11s  %s%n", "stops at N", "keeps 80% at N=" + largest);
                for (Strategy strategy : Strategy.values()) {
                    for (int k : strategy.averaging() ? ks : List.of(1)) {
                        row(out, projection, strategy, k, largest);
                    }
                }
            }
        }
        out.flush();
    }

    private void row(PrintWriter out, ScalingProjection projection, Strategy strategy, int k, int largest) {
        out.printf("  %-34s", strategy.label() + (strategy.averaging() ? ", K=" + k : ""));
        for (int n : executors) {
            out.printf(" %6.0f%%", 100 * projection.efficiency(strategy, n, k));
        }
        int stop = projection.stoppingPoint(strategy, k);
        out.printf(" %11s  %s%n", stop < 0 ? "> " + ScalingProjection.MAX_EXECUTORS : String.valueOf(stop),
                strategy.averaging() ? "K >= " + projection.kFor(strategy, largest)
                        : "batch >= " + projection.batchFor(strategy, largest) + " per executor");
    }
}
