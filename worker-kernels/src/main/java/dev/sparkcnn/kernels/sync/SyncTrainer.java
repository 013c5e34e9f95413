package dev.sparkcnn.kernels.sync;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.StepStats;
import dev.sparkcnn.kernels.WeightedMean;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;

/**
 * One replica's side of a synchronous round: every replica takes the same number of steps in
 * lockstep and applies the same combined update, so all hold identical parameters after every
 * step. A replica whose batches ran out still takes part, contributing nothing (dense) or only its
 * residual (threshold). With threshold exchange, what is left in a replica's residual at the end of
 * the round (each element less than that step's threshold) is dropped: sending it would cost a
 * dense exchange per round.
 */
public final class SyncTrainer {

    private SyncTrainer() {
    }

    /**
     * Parameter averaging among the replicas: each takes {@code every} local optimizer steps, then
     * all replace their parameters and optimizer states with the example-weighted mean of
     * everyone's, by ring all-reduce in double (and after the last step): the mean parameter
     * averaging on the driver computes, bit for bit ({@link WeightedMean}).
     *
     * @param every          local steps between two averages (K), at least 1
     * @param verifyReplicas compare a hash of every replica's parameters after every average
     */
    public record Averaging(int every, boolean verifyReplicas) implements Serializable {
        public Averaging {
            if (every < 1) {
                throw new IllegalArgumentException("every must be >= 1, got " + every);
            }
        }
    }

    /** What one replica does at one step; true when it exchanged (then replicas may be verified). */
    @FunctionalInterface
    private interface Step {
        boolean take(Replica replica, Batch batch, int step, long iteration) throws IOException;
    }

    /**
     * Loads {@code start} into {@code net} and runs {@code steps} lockstep steps, exchanging
     * gradients (or updates) every step.
     *
     * @throws IllegalStateException if the loss becomes NaN or infinite, or (with
     *                               {@link Exchange.Options#verifyReplicas()}) the replicas' parameters differ
     * @throws IOException           if another replica fails or the round is cancelled
     */
    public static SyncResult train(Network net, ModelState start, Iterator<Batch> batches, int steps,
                                   Collective collective, Exchange.Options options) throws IOException {
        Replica replica = new Replica(net, collective, options.density(), options.exchange());
        return run(replica, start, batches, steps, options.verifyReplicas(),
                (r, batch, step, iteration) -> {
                    switch (options.exchange()) {
                        case DENSE -> r.denseStep(batch, iteration);
                        case THRESHOLD -> r.thresholdStep(batch, iteration);
                    }
                    return true;
                });
    }

    /**
     * Loads {@code start} into {@code net} and runs {@code steps} local steps, averaging with the
     * other replicas every {@link Averaging#every()} steps and after the last.
     *
     * @throws IllegalStateException as {@link #train}
     * @throws IOException           if another replica fails or the round is cancelled
     */
    public static SyncResult average(Network net, ModelState start, Iterator<Batch> batches, int steps,
                                     Collective collective, Averaging averaging) throws IOException {
        Replica replica = new Replica(net, collective, 1, null);
        return run(replica, start, batches, steps, averaging.verifyReplicas(), (r, batch, step, iteration) -> {
            r.localStep(batch, iteration);
            boolean exchanged = (step + 1) % averaging.every() == 0 || step == steps - 1;
            if (exchanged) {
                r.average(iteration + 1);
            }
            return exchanged;
        });
    }

    private static SyncResult run(Replica replica, ModelState start, Iterator<Batch> batches, int steps,
                                  boolean verify, Step each) throws IOException {
        Network net = replica.net;
        Collective collective = replica.collective;
        net.load(start);
        for (int step = 0; step < steps; step++) {
            Batch batch = batches.hasNext() ? batches.next() : null;
            if (each.take(replica, batch, step, start.iteration() + step) && verify) {
                replica.verify(step);
            }
        }
        if (replica.threshold && replica.stats.any()) {
            replica.averageRunningStats();
        }
        float[] params = net.params();
        return new SyncResult(collective.rank(), net.state(), replica.lossSum, replica.examples, replica.correct, steps,
                collective.bytesSent(),
                Arrays.hashCode(params), replica.verified, replica.exchangeNanos / 1e9);
    }

    private static final class Replica {
        private final Network net;
        private final Collective collective;
        private final double density;
        private final int n;
        private final float[] gradient;
        private final float[] reduced;
        private final boolean threshold;
        private final RunningStats stats; // batch norm's running statistics: averaged, never exchanged as gradients
        private float[] statsPacked;
        private float[] residual;
        private float[] view; // threshold: the look-ahead parameters, reused every step
        private double[] averaged; // average: weighted parameters, optimizer state and weight, reused
        private long sinceAverage; // average: examples trained on since the last average
        double lossSum;
        long examples;
        long correct; // -1 once a step was not measured
        int verified;
        long exchangeNanos;

        /** @param exchange the gradient exchange; null when the replicas average instead */
        Replica(Network net, Collective collective, double density, Exchange exchange) {
            this.net = net;
            this.collective = collective;
            this.density = density;
            this.n = Math.toIntExact(net.numParams());
            this.gradient = exchange == null ? null : new float[n];
            // dense: the example-weighted gradient sum, then the example count
            this.reduced = exchange == Exchange.DENSE ? new float[n + 1] : null;
            this.threshold = exchange == Exchange.THRESHOLD;
            this.stats = RunningStats.of(net.spec().layout());
            this.statsPacked = new float[stats.size() + 1];
        }

        void denseStep(Batch batch, long iteration) throws IOException {
            Arrays.fill(reduced, 0f);
            if (batch != null) {
                localGradient(batch, iteration);
                float weight = batch.size();
                for (int i = 0; i < n; i++) {
                    reduced[i] = gradient[i] * weight;
                }
                reduced[n] = weight;
                if (stats.any()) { // their gradient is zero: the same sum carries the running statistics' mean
                    stats.putWeighted(net.params(), weight, reduced);
                }
            }
            long t0 = System.nanoTime();
            collective.allReduceSum(reduced);
            exchangeNanos += System.nanoTime() - t0;
            float total = reduced[n];
            if (total == 0) {
                throw new IllegalStateException("no replica had a batch at iteration " + iteration
                        + "; the round has more steps than the largest partition has batches");
            }
            for (int i = 0; i < n; i++) {
                gradient[i] = reduced[i] / total;
            }
            if (stats.any()) {
                stats.gather(gradient, statsPacked);
                stats.zero(gradient);
            }
            net.toUpdate(gradient);
            net.applyUpdate(gradient);
            if (stats.any()) {
                float[] params = net.params();
                stats.scatter(statsPacked, 1f, params);
                net.loadParams(params);
            }
        }

        /**
         * Replaces every replica's running statistics with their mean over the replicas (threshold
         * exchange, at the end of a round: its sparse messages cannot carry them every step).
         */
        void averageRunningStats() throws IOException {
            float[] params = net.params();
            stats.gather(params, statsPacked);
            statsPacked[stats.size()] = 0f;
            collective.allReduceSum(statsPacked);
            stats.scatter(statsPacked, 1f / collective.size(), params);
            net.loadParams(params);
        }

        /** One optimizer step of this replica alone (parameter averaging); none once its batches ran out. */
        void localStep(Batch batch, long iteration) {
            if (batch == null) {
                return;
            }
            StepStats step = net.fit(batch);
            count(step, batch, iteration);
            sinceAverage += batch.size();
        }

        /**
         * Replaces this replica's parameters and optimizer state with the mean of all replicas',
         * weighted by the examples each trained on since the last average, and sets the step count to
         * {@code iteration} (the same on every replica, as parameter averaging on the driver does).
         * The weighted sums are all-reduced in double and rounded to float once
         * ({@link WeightedMean}): the floats parameter averaging on the driver computes.
         */
        void average(long iteration) throws IOException {
            ModelState state = net.state();
            int u = state.updaterState().length;
            if (averaged == null) {
                averaged = new double[n + u + 1];
            }
            float[] p = state.params();
            float[] s = state.updaterState();
            WeightedMean.scale(p, sinceAverage, averaged, 0);
            WeightedMean.scale(s, sinceAverage, averaged, n);
            averaged[n + u] = sinceAverage;
            long t0 = System.nanoTime();
            collective.allReduceSum(averaged);
            exchangeNanos += System.nanoTime() - t0;
            double total = averaged[n + u];
            if (total == 0) {
                throw new IllegalStateException("no replica had a batch before iteration " + iteration
                        + "; the round has more steps than the largest partition has batches");
            }
            WeightedMean.divide(averaged, 0, total, p);
            WeightedMean.divide(averaged, n, total, s);
            net.load(new ModelState(p, s, iteration));
            sinceAverage = 0;
        }

        void thresholdStep(Batch batch, long iteration) throws IOException {
            if (residual == null) {
                residual = new float[n];
            }
            if (batch != null) {
                lookaheadGradient(batch, iteration);
                net.toUpdate(gradient); // this replica's own optimizer, its own state
                for (int i = 0; i < n; i++) {
                    residual[i] += gradient[i];
                }
            }
            byte[] message = ThresholdCodec.encode(residual, ThresholdCodec.threshold(residual, density));
            long t0 = System.nanoTime();
            byte[][] all = collective.allGather(message);
            exchangeNanos += System.nanoTime() - t0;
            applyMean(all);
        }

        private void applyMean(byte[][] messages) {
            Arrays.fill(gradient, 0f);
            float scale = 1f / messages.length;
            for (byte[] m : messages) { // in rank order on every replica: identical sums
                ThresholdCodec.decodeAdd(m, scale, gradient);
            }
            net.applyUpdate(gradient);
        }

        /**
         * The gradient at the shared parameters minus this replica's share of its own pending
         * (residual) update: where the parameters will be once the residual is sent. Taken at the
         * shared parameters alone, the gradient is stale for every element still in the residual,
         * and the optimizer keeps pushing them until they are sent in one overshooting jump
         * (measured: the loss of cifar-cnn on the generated set jumped from 0.39 to 1.36 in the
         * third epoch, ending at 0.49 accuracy; with the look-ahead it fell steadily, 0.985).
         * The shared parameters are restored exactly afterwards.
         */
        private void lookaheadGradient(Batch batch, long iteration) {
            float[] shared = net.params();
            if (view == null) {
                view = new float[n];
            }
            float share = 1f / collective.size();
            for (int i = 0; i < n; i++) {
                view[i] = shared[i] - residual[i] * share;
            }
            net.loadParams(view);
            localGradient(batch, iteration);
            if (stats.any()) { // keep the running statistics this forward pass moved
                stats.copy(net.params(), shared);
            }
            net.loadParams(shared);
        }

        private void localGradient(Batch batch, long iteration) {
            count(net.computeGradient(batch, gradient), batch, iteration);
        }

        private void count(StepStats step, Batch batch, long iteration) {
            double loss = step.lossSum();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("loss became " + loss + " at iteration " + iteration + " of model '"
                        + net.spec().model() + "' with learning rate " + net.spec().learningRate()
                        + "; lower the learning rate");
            }
            lossSum += loss;
            examples += batch.size();
            correct = correct < 0 || step.correct() < 0 ? -1 : correct + step.correct();
        }

        void verify(int step) throws IOException {
            int hash = stats.trainedHash(net.params()); // threshold: running statistics differ until the round ends
            byte[][] all = collective.allGather(ByteBuffer.allocate(Integer.BYTES).putInt(hash).array());
            for (int r = 0; r < all.length; r++) {
                int theirs = ByteBuffer.wrap(all[r]).getInt();
                if (theirs != hash) {
                    throw new IllegalStateException("replica parameters diverged after step " + (step + 1)
                            + ": rank " + collective.rank() + " has hash " + Integer.toHexString(hash) + ", rank " + r
                            + " has " + Integer.toHexString(theirs));
                }
            }
            verified++;
        }
    }
}
