package dev.sparkcnn.peers;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Records as DL4J mini-batches, partition by partition in record order: NCHW float features
 * normalized exactly as sparkcnn's batches ({@link Normalization#apply}), one-hot labels.
 */
final class MiniBatches {
    private MiniBatches() {
    }

    static JavaRDD<DataSet> of(JavaRDD<ImageRecord> records, ModelSpec spec, Normalization normalization,
                               int batchSize) {
        return records.mapPartitions(it -> batches(it, spec, normalization, batchSize), true);
    }

    static Iterator<DataSet> batches(Iterator<ImageRecord> records, ModelSpec spec,
                                             Normalization normalization, int batchSize) {
        List<DataSet> out = new ArrayList<>();
        List<ImageRecord> batch = new ArrayList<>(batchSize);
        while (records.hasNext()) {
            batch.add(records.next());
            if (batch.size() == batchSize || !records.hasNext()) {
                out.add(dataSet(batch, spec, normalization));
                batch.clear();
            }
        }
        return out.iterator();
    }

    private static DataSet dataSet(List<ImageRecord> batch, ModelSpec spec, Normalization normalization) {
        int n = batch.size();
        int size = spec.imageSize();
        float[] features = new float[n * size];
        float[] labels = new float[n * spec.numClasses()];
        for (int i = 0; i < n; i++) {
            normalization.apply(batch.get(i).pixels(), features, i * size);
            labels[i * spec.numClasses() + batch.get(i).label()] = 1f;
        }
        INDArray x = Nd4j.create(features, new long[]{n, spec.channels(), spec.height(), spec.width()}, 'c');
        INDArray y = Nd4j.create(labels, new long[]{n, spec.numClasses()}, 'c');
        return new DataSet(x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT));
    }
}
