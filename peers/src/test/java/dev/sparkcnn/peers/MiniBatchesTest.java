package dev.sparkcnn.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/**
 * dl4j-spark's rows train on exactly sparkcnn's inputs: NCHW features normalized by
 * {@link Normalization#apply}, one-hot labels, batches of the benchmark's size in record order.
 */
class MiniBatchesTest {

    @Test
    void recordsBecomeNormalizedNchwBatchesWithOneHotLabels() {
        ModelSpec spec = new ModelSpec("simple-cnn", 3, 4, 4, 10, 0.01, 1);
        Normalization normalization = Normalization.uniform(0.5f, 0.25f, 3);
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] pixels = new byte[spec.imageSize()];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = (byte) (i * 40 + p);
            }
            records.add(new ImageRecord(i * 2, pixels));
        }
        Iterator<DataSet> batches = MiniBatches.batches(records.iterator(), spec, normalization, 2);
        List<DataSet> all = new ArrayList<>();
        batches.forEachRemaining(all::add);
        assertEquals(List.of(2, 2, 1), all.stream().map(DataSet::numExamples).toList());

        DataSet second = all.get(1);
        assertArrayEquals(new long[]{2, 3, 4, 4}, second.getFeatures().shape());
        float[] expected = new float[2 * spec.imageSize()];
        normalization.apply(records.get(2).pixels(), expected, 0);
        normalization.apply(records.get(3).pixels(), expected, spec.imageSize());
        assertArrayEquals(expected, second.getFeatures().reshape(-1).toFloatVector(), 0f);
        float[] labels = second.getLabels().reshape(-1).toFloatVector();
        float[] oneHot = new float[20];
        oneHot[4] = 1;      // record 2: label 4
        oneHot[10 + 6] = 1; // record 3: label 6
        assertArrayEquals(oneHot, labels, 0f);
    }

    @Test
    void outsideSparkThePortIsTheBasePortExecutorZerosAndTheRoots() {
        assertEquals(40123, new ExecutorPorts(40123).getPort()); // no SparkEnv here: the driver's view
    }
}
