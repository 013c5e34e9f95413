package dev.sparkcnn.kernels.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.BatchIterator;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.model.DefinitionReader;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Gradient sharing with batch normalization: each replica's forward pass moves its running
 * statistics with its own batches, outside the exchanged gradients; the replicas still end every
 * round (dense: every step) with identical parameters, running statistics included, and those
 * statistics are the replicas' mean, not one replica's.
 */
class SyncBatchNormTest {

    private static final ModelSpec SPEC = new ModelSpec(DefinitionReader.read("""
            {"name": "bn", "weightInit": "uniform", "layers": [
              {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1, "bias": false, "activation": "identity"},
              {"type": "batchnorm"}, {"type": "activation", "function": "relu"}, {"type": "maxpool", "size": 2},
              {"type": "dropout", "rate": 0.2}, {"type": "globalavgpool"},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """, "bn.json", "bn"), 1, 8, 8, 3, 0.01, 7, null);

    private static List<Batch> batches(int rank) {
        Random random = new Random(100 + rank);
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int label = random.nextInt(3);
            byte[] pixels = new byte[64];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = (byte) (label * 70 + 40 * rank + random.nextInt(60)); // shards differ in brightness
            }
            records.add(new ImageRecord(label, pixels));
        }
        List<Batch> out = new ArrayList<>();
        new BatchIterator(records.iterator(), 8, SPEC, Normalization.uniform(0f, 1f, 1)).forEachRemaining(out::add);
        return out;
    }

    @ParameterizedTest
    @EnumSource(Exchange.class)
    void replicasEndTheRoundWithTheMeanOfTheirRunningStatistics(Exchange exchange) throws Exception {
        List<Future<SyncResult>> results = Rings.run(2, 42, Duration.ofSeconds(30), c -> {
            NativeRuntime.configureThreads(1);
            try (Network net = NetworkFactory.create(SPEC, "native")) {
                net.partition(c.rank());
                return SyncTrainer.train(net, net.initialState(), batches(c.rank()).iterator(), 3, c,
                        new Exchange.Options(exchange, exchange == Exchange.DENSE ? 1 : 0.05, true));
            }
        });
        ModelState a = results.get(0).get(60, TimeUnit.SECONDS).state();
        ModelState b = results.get(1).get(60, TimeUnit.SECONDS).state();
        // (threshold exchange: each replica keeps its own optimizer state, so compare the parameters)
        assertArrayEquals(a.params(), b.params(), "replicas hold the same parameters and running statistics");
        // the first batch norm's running mean (after the conv weights): moved, and by both shards' batches
        int mean = 4 * 9 + 2 * 4;
        float[] params = a.params();
        float[] alone = single(0);
        float[] other = single(1);
        for (int c = 0; c < 4; c++) {
            assertTrue(params[mean + c] != 0f, "running mean " + c + " moved");
        }
        if (exchange == Exchange.DENSE) { // step 1 starts from the same state: its statistics are the mean exactly
            float[] first = firstStep(exchange);
            for (int c = 0; c < 4; c++) {
                assertEquals((alone[mean + c] + other[mean + c]) / 2, first[mean + c], 1e-6);
            }
        }
    }

    /** The parameters after one training step of replica {@code rank}'s first batch alone. */
    private static float[] single(int rank) {
        NativeRuntime.configureThreads(1);
        try (Network net = NetworkFactory.create(SPEC, "native")) {
            net.partition(rank);
            net.load(net.initialState());
            net.fit(batches(rank).get(0));
            return net.params();
        }
    }

    private static float[] firstStep(Exchange exchange) throws Exception {
        List<Future<SyncResult>> results = Rings.run(2, 43, Duration.ofSeconds(30), c -> {
            NativeRuntime.configureThreads(1);
            try (Network net = NetworkFactory.create(SPEC, "native")) {
                net.partition(c.rank());
                return SyncTrainer.train(net, net.initialState(), batches(c.rank()).iterator(), 1, c,
                        new Exchange.Options(exchange, 1, true));
            }
        });
        return results.get(0).get(60, TimeUnit.SECONDS).state().params();
    }
}
