package dev.sparkcnn.kernels.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.BatchIterator;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.WeightedMean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Synchronous replicas, as threads joined by a real loopback ring: dense exchange with plain SGD
 * on N equal shards is single-process SGD with N times the batch; replicas agree bit for bit.
 */
class SyncTrainerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int BATCH = 8;

    private static ModelSpec spec(String optimizer) {
        // plain SGD needs a larger step than Adam to move visibly in a few steps
        return new ModelSpec("simple-cnn", 3, 16, 16, 4, "sgd".equals(optimizer) ? 0.05 : 0.003, 11, optimizer);
    }

    private static List<ImageRecord> records(int count, long seed) {
        Random random = new Random(seed);
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(4);
            byte[] pixels = new byte[3 * 16 * 16];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = (byte) (label * 60 + random.nextInt(60));
            }
            records.add(new ImageRecord(label, pixels));
        }
        return records;
    }

    private static List<Batch> batches(List<ImageRecord> records, int batchSize, ModelSpec spec) {
        List<Batch> out = new ArrayList<>();
        new BatchIterator(records.iterator(), batchSize, spec,
                ModelCatalogue.defaults(spec.model()).normalization(3)).forEachRemaining(out::add);
        return out;
    }

    private static List<Future<SyncResult>> replicas(int n, List<List<ImageRecord>> shards, int steps,
                                                     Exchange.Options options, String optimizer) throws Exception {
        return Rings.run(n, 42, TIMEOUT, c -> {
            NativeRuntime.configureThreads(1);
            try (Network net = NetworkFactory.create(spec(optimizer), "native")) {
                return SyncTrainer.train(net, net.initialState(),
                        batches(shards.get(c.rank()), BATCH, net.spec()).iterator(), steps, c, options);
            }
        });
    }

    private static List<Future<SyncResult>> averagingReplicas(int n, List<List<ImageRecord>> shards, int steps,
                                                              SyncTrainer.Averaging averaging, String optimizer)
            throws Exception {
        return Rings.run(n, 42, TIMEOUT, c -> {
            NativeRuntime.configureThreads(1);
            try (Network net = NetworkFactory.create(spec(optimizer), "native")) {
                return SyncTrainer.average(net, net.initialState(),
                        batches(shards.get(c.rank()), BATCH, net.spec()).iterator(), steps, c, averaging);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void denseSgdOnEqualShardsIsSingleProcessSgdWithNTimesTheBatch(int n) throws Exception {
        int steps = 4;
        List<List<ImageRecord>> shards = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            shards.add(records(steps * BATCH, 100 + r));
        }
        List<Future<SyncResult>> results = replicas(n, shards, steps,
                new Exchange.Options(Exchange.DENSE, 1, true), "sgd");

        // single process: batch j is the union of every shard's batch j
        NativeRuntime.configureThreads(1);
        ModelState expected;
        try (Network net = NetworkFactory.create(spec("sgd"), "native")) {
            for (int j = 0; j < steps; j++) {
                List<ImageRecord> big = new ArrayList<>();
                for (List<ImageRecord> shard : shards) {
                    big.addAll(shard.subList(j * BATCH, (j + 1) * BATCH));
                }
                net.fit(batches(big, n * BATCH, net.spec()).get(0));
            }
            expected = net.state();
            assertTrue(expected.maxAbsDifference(net.initialState()) > 1e-3, "training moved the parameters");
        }
        for (Future<SyncResult> f : results) {
            SyncResult r = f.get(60, TimeUnit.SECONDS);
            assertEquals(steps, r.verifiedSteps(), "replica hashes compared after every step");
            double diff = r.state().maxAbsDifference(expected);
            assertTrue(diff < 1e-5, "replica differs from big-batch SGD by " + diff);
            assertEquals(steps * BATCH, r.examples());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "threshold"})
    void replicasEndIdenticalWithUnequalShardsAndAdam(String exchange) throws Exception {
        // shard 1 runs out of batches two steps early: it still takes part
        List<List<ImageRecord>> shards = List.of(records(6 * BATCH, 1), records(4 * BATCH + 3, 2));
        List<Future<SyncResult>> results = replicas(2, shards, 6,
                new Exchange.Options(Exchange.of(exchange), 0.01, true), "adam");
        SyncResult a = results.get(0).get(60, TimeUnit.SECONDS);
        SyncResult b = results.get(1).get(60, TimeUnit.SECONDS);
        assertEquals(6, a.verifiedSteps());
        assertEquals(a.paramsHash(), b.paramsHash());
        assertTrue(Arrays.equals(a.state().params(), b.state().params()));
        assertEquals(6 * BATCH, a.examples());
        assertEquals(4 * BATCH + 3, b.examples());
        if ("threshold".equals(exchange)) {
            // each step a replica sends ~1% of the elements as 4-byte indices, plus the final flush
            long params = a.state().params().length;
            long perStepBudget = (long) (0.03 * params * 4) + 64;
            assertTrue(a.bytesSent() < 6 * perStepBudget + params * 4 + 64, "sent " + a.bytesSent());
        }
    }

    @Test
    void thresholdExchangeLearnsAboutAsWellAsDense() throws Exception {
        List<List<ImageRecord>> shards = List.of(records(40 * BATCH, 5), records(40 * BATCH, 6));
        List<ImageRecord> test = records(200, 9);
        double dense = accuracyAfter(shards, new Exchange.Options(Exchange.DENSE, 1, false), test);
        // a 5k-parameter net trained for only 40 steps needs a high density; the benchmark measures
        // real models over whole epochs at the default density
        double threshold = accuracyAfter(shards, new Exchange.Options(Exchange.THRESHOLD, 0.25, false), test);
        assertTrue(dense > 0.9, "dense accuracy " + dense);
        assertTrue(threshold > dense - 0.05, "threshold accuracy " + threshold + " vs dense " + dense);
    }

    private static double accuracyAfter(List<List<ImageRecord>> shards, Exchange.Options options,
                                        List<ImageRecord> test) throws Exception {
        List<Future<SyncResult>> results = replicas(2, shards, 40, options, "adam");
        SyncResult a = results.get(0).get(120, TimeUnit.SECONDS);
        results.get(1).get(120, TimeUnit.SECONDS);
        NativeRuntime.configureThreads(1);
        try (Network net = NetworkFactory.create(spec("adam"), "native")) {
            net.load(a.state());
            return accuracy(net, test);
        }
    }

    private static double accuracy(Network net, List<ImageRecord> test) {
        var counts = dev.sparkcnn.kernels.PartitionEvaluator.evaluate(net, net.state(),
                batches(test, 50, net.spec()).iterator());
        return counts.correct() / (double) counts.total();
    }

    @Test
    void divergedReplicasAreDetected() throws Exception {
        // rank 1 starts from other parameters: the first verification must catch it
        List<List<ImageRecord>> shards = List.of(records(2 * BATCH, 1), records(2 * BATCH, 2));
        List<Future<SyncResult>> results = Rings.run(2, 42, TIMEOUT, c -> {
            NativeRuntime.configureThreads(1);
            try (Network net = NetworkFactory.create(spec("sgd").withSeed(c.rank()), "native")) {
                return SyncTrainer.train(net, net.initialState(),
                        batches(shards.get(c.rank()), BATCH, net.spec()).iterator(), 2, c,
                        new Exchange.Options(Exchange.DENSE, 1, true));
            }
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> results.get(0).get(60, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("diverged after step 1"), e.getCause().getMessage());
    }

    /**
     * Parameter averaging by all-reduce: K local Adam steps per replica, then the example-weighted
     * mean of parameters and optimizer state, is what the same steps and mean computed one replica
     * after the other give, bit for bit; unequal shards (one runs out early and contributes less, then
     * nothing: weights 24 and 19, then 16 and 0) included. Bit for bit because the mean is
     * {@link WeightedMean}'s, as parameter averaging on the driver computes it. When the ring summed in
     * float this test measured 1.5e-8 (one float ulp); Adam can amplify such differences to half its
     * learning rate (GradientSharingSparkTest), so no tolerance separates them from a real difference.
     */
    @Test
    void averagingByAllReduceIsLocalStepsThenTheExampleWeightedMean() throws Exception {
        int every = 3;
        int steps = 5; // averages after steps 3 and 5
        List<List<ImageRecord>> shards = List.of(records(5 * BATCH, 200), records(2 * BATCH + 3, 201));
        List<ModelState> ends = new ArrayList<>();
        List<Integer> hashes = new ArrayList<>();
        SyncTrainer.Averaging averaging = new SyncTrainer.Averaging(every, true);
        for (Future<SyncResult> f : averagingReplicas(2, shards, steps, averaging, "adam")) {
            SyncResult r = f.get(60, TimeUnit.SECONDS);
            ends.add(r.state());
            hashes.add(r.paramsHash());
            assertEquals(2, r.verifiedSteps(), "replicas compared after each of the 2 averages");
        }
        assertEquals(hashes.get(0), hashes.get(1));

        NativeRuntime.configureThreads(1);
        try (Network a = NetworkFactory.create(spec("adam"), "native");
             Network b = NetworkFactory.create(spec("adam"), "native")) {
            List<Batch> ba = batches(shards.get(0), BATCH, a.spec());
            List<Batch> bb = batches(shards.get(1), BATCH, b.spec());
            ModelState state = a.initialState();
            int[][] rounds = {{0, 3}, {3, 5}};
            for (int[] round : rounds) {
                a.load(state);
                b.load(state);
                long wa = 0;
                long wb = 0;
                for (int i = round[0]; i < round[1]; i++) {
                    if (i < ba.size()) {
                        wa += a.fit(ba.get(i)).examples();
                    }
                    if (i < bb.size()) {
                        wb += b.fit(bb.get(i)).examples();
                    }
                }
                state = mean(a.state(), wa, b.state(), wb, round[1]);
            }
            ModelState ring = ends.get(0);
            assertEquals(steps, ring.iteration());
            assertEquals(0.0, state.maxAbsDifference(ring), "the ring's mean differs from the reference");
            assertEquals(state, ring);
            assertTrue(state.maxAbsDifference(a.initialState()) > 1e-3, "training moved the parameters");
        }
    }

    /** The example-weighted mean of two states, as parameter averaging on the driver computes it. */
    private static ModelState mean(ModelState a, long wa, ModelState b, long wb, long iteration) {
        return new ModelState(mean(a.params(), wa, b.params(), wb), mean(a.updaterState(), wa, b.updaterState(), wb),
                iteration);
    }

    private static float[] mean(float[] a, long wa, float[] b, long wb) {
        double[] sa = new double[a.length];
        double[] sb = new double[b.length];
        WeightedMean.scale(a, wa, sa, 0);
        WeightedMean.scale(b, wb, sb, 0);
        for (int i = 0; i < sa.length; i++) {
            sa[i] += sb[i];
        }
        float[] out = new float[a.length];
        WeightedMean.divide(sa, 0, wa + wb, out);
        return out;
    }
}
