package dev.sparkcnn.driver.bench;

import dev.sparkcnn.driver.config.AllReduceAveragingSettings;
import dev.sparkcnn.driver.config.GradientExchange;
import dev.sparkcnn.driver.config.GradientSharingSettings;
import dev.sparkcnn.driver.config.ParameterAveragingSettings;

/**
 * The arithmetic of {@code bench project}: the scaling efficiency of each training strategy for
 * one network on N executors, from its measured compute time per step and a cost model of the
 * exchange. Efficiency is compute / (compute + communication) per step at a fixed per-executor
 * batch (weak scaling): N executors then train N × efficiency times as fast as one. Nothing
 * overlaps computation with communication here, as in the implementation (tasks exchange between
 * steps).
 *
 * <p>Costs, with λ the latency of one hop, β = min(wire, host) the bytes/s a member moves and S the
 * bytes of one vector of P floats:
 * <ul>
 *   <li>ring all-reduce of B bytes: 2(N−1)·λ + 2(N−1)/N · B/β (reduce-scatter + all-gather);</li>
 *   <li>all-gather of m bytes from each member: (N−1)·λ + (N−1)·m/β;</li>
 *   <li>parameter averaging (a Spark job per K steps): job + N·task + V·S·(1 + ⌈√N⌉)/β — the driver
 *       sends the state (V vectors: parameters and optimizer state) once (the torrent broadcast
 *       spreads it) and receives ⌈√N⌉ partial sums of the depth-2 tree reduce;</li>
 *   <li>all-reduce averaging: a ring all-reduce of 2·V·S every K steps (the weighted sums travel in
 *       double, so that the mean is parameter averaging's to the bit: {@link dev.sparkcnn.kernels.WeightedMean});</li>
 *   <li>dense gradient sharing: a ring all-reduce of S every step;</li>
 *   <li>threshold gradient sharing: an all-gather of r·S every step (r: the measured exchange ratio).</li>
 * </ul>
 *
 * @param network what is trained and how fast one executor computes
 * @param costs   the exchange's latency, host bandwidth, and Spark's job and task overheads
 */
public record ScalingProjection(Network network, Costs costs) {

    /** Efficiency below which a strategy is said to have stopped scaling. */
    public static final double STOP = 0.5;
    /** Efficiency the remedies (K, batch) aim for. */
    public static final double TARGET = 0.8;
    /** Executor counts searched for the stopping point. */
    public static final int MAX_EXECUTORS = 1 << 20;

    /**
     * A network's measured inputs.
     *
     * @param model           catalogue name
     * @param params          parameters P (floats)
     * @param vectors         vectors an average moves: parameters plus optimizer state (Adam: 3)
     * @param batchSize       per-executor mini-batch
     * @param imagesPerSecond one executor's training throughput (bench kernels)
     */
    public record Network(String model, long params, int vectors, int batchSize, double imagesPerSecond) {
        public Network {
            if (params < 1 || vectors < 1 || batchSize < 1 || !(imagesPerSecond > 0)) {
                throw new IllegalArgumentException(model + ": params, vectors, batch size and images/s must be "
                        + "positive");
            }
        }

        public double stepSeconds() {
            return batchSize / imagesPerSecond;
        }

        public double vectorBytes() {
            return (double) params * Float.BYTES;
        }
    }

    /**
     * What communication costs.
     *
     * @param hopLatency     seconds per ring hop (λ)
     * @param hostBandwidth  bytes/s one member can move regardless of the wire (measured on loopback)
     * @param wireBandwidth  bytes/s of the network link
     * @param jobOverhead    seconds of a Spark job (scheduling, broadcast, task launch, result)
     * @param taskOverhead   seconds the driver spends per task of a job
     * @param thresholdRatio bytes a worker sends per step / dense bytes, with threshold exchange
     */
    public record Costs(double hopLatency, double hostBandwidth, double wireBandwidth, double jobOverhead,
                        double taskOverhead, double thresholdRatio) {
        public Costs {
            if (!(hopLatency >= 0) || !(hostBandwidth > 0) || !(wireBandwidth > 0) || !(jobOverhead >= 0)
                    || !(taskOverhead >= 0) || !(thresholdRatio > 0 && thresholdRatio <= 1)) {
                throw new IllegalArgumentException("costs: latencies and overheads must be >= 0, bandwidths > 0 and "
                        + "the threshold ratio in (0, 1], got " + this);
            }
        }

        /** The bytes/s a member actually moves: the slower of its link and its own copying. */
        public double bandwidth() {
            return Math.min(hostBandwidth, wireBandwidth);
        }

        /** A link of {@code gbps} gigabits per second in bytes/s. */
        public static double gigabits(double gbps) {
            return gbps * 1e9 / 8;
        }
    }

    /** The strategies projected. */
    public enum Strategy {
        PARAMETER_AVERAGING(ParameterAveragingSettings.NAME, true),
        ALLREDUCE_AVERAGING(AllReduceAveragingSettings.NAME, true),
        DENSE(GradientSharingSettings.NAME + " " + GradientExchange.DENSE.id(), false),
        THRESHOLD(GradientSharingSettings.NAME + " " + GradientExchange.THRESHOLD.id(), false);

        private final String label;
        private final boolean averaging;

        Strategy(String label, boolean averaging) {
            this.label = label;
            this.averaging = averaging;
        }

        public String label() {
            return label;
        }

        /** Whether K (local steps per average) applies. */
        public boolean averaging() {
            return averaging;
        }
    }

    public double ringAllReduce(int n, double bytes) {
        return n < 2 ? 0 : 2.0 * (n - 1) * costs.hopLatency() + ExchangeModel.sentBytes(n, bytes) / costs.bandwidth();
    }

    public double allGather(int n, double bytes) {
        return n < 2 ? 0 : (n - 1) * (costs.hopLatency() + bytes / costs.bandwidth());
    }

    /** Seconds of communication per exchange (per K steps for the averaging strategies, per step otherwise). */
    public double communication(Strategy strategy, int n) {
        double state = network.vectors() * network.vectorBytes();
        return switch (strategy) {
            case PARAMETER_AVERAGING -> costs.jobOverhead() + n * costs.taskOverhead()
                    + state * (1 + Math.ceil(Math.sqrt(n))) / costs.bandwidth();
            case ALLREDUCE_AVERAGING -> ringAllReduce(n, Double.BYTES / Float.BYTES * state);
            case DENSE -> ringAllReduce(n, network.vectorBytes());
            case THRESHOLD -> allGather(n, costs.thresholdRatio() * network.vectorBytes());
        };
    }

    /** Scaling efficiency on {@code n} executors with {@code k} local steps per average (ignored by gradient sharing). */
    public double efficiency(Strategy strategy, int n, int k) {
        double compute = (strategy.averaging() ? k : 1) * network.stepSeconds();
        return compute / (compute + communication(strategy, n));
    }

    /** The smallest executor count at which efficiency falls below {@link #STOP}, or -1 if none up to the search limit. */
    public int stoppingPoint(Strategy strategy, int k) {
        if (efficiency(strategy, 2, k) < STOP) {
            return 2;
        }
        if (efficiency(strategy, MAX_EXECUTORS, k) >= STOP) {
            return -1;
        }
        int lo = 2; // efficiency(lo) >= STOP > efficiency(hi); efficiency falls as n grows
        int hi = MAX_EXECUTORS;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (efficiency(strategy, mid, k) < STOP) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** The smallest K that keeps an averaging strategy at {@link #TARGET} efficiency on {@code n} executors. */
    public int kFor(Strategy strategy, int n) {
        double needed = TARGET / (1 - TARGET) * communication(strategy, n) / network.stepSeconds();
        return (int) Math.max(1, Math.ceil(needed - 1e-9));
    }

    /**
     * The smallest per-executor batch that keeps gradient sharing at {@link #TARGET} efficiency on
     * {@code n} executors, assuming the executor's images/s do not change with the batch.
     */
    public int batchFor(Strategy strategy, int n) {
        double needed = TARGET / (1 - TARGET) * communication(strategy, n) * network.imagesPerSecond();
        return (int) Math.max(1, Math.ceil(needed - 1e-9));
    }
}
