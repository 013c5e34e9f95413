package dev.sparkcnn.driver.ml;

import dev.sparkcnn.driver.train.TaskNetworks;
import dev.sparkcnn.driver.train.TrainingRun;
import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Executor side of {@link CnnClassificationModel#transform}: rows stream through in batches of
 * {@code run.batchSize()}; each batch borrows a pooled network ({@link TaskNetworks}), loads the
 * broadcast parameters, predicts, and gives the network back, so a partition never holds more than
 * one batch of output and a network is never built per task.
 */
final class PartitionPredictor implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final TrainingRun run;
    private final Broadcast<float[]> params;
    private final ImageColumn image;
    private final int imageField;

    PartitionPredictor(TrainingRun run, Broadcast<float[]> params, ImageColumn image, int imageField) {
        this.run = run;
        this.params = params;
        this.image = image;
        this.imageField = imageField;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Iterator<>() {
            private Iterator<Row> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                if (!current.hasNext() && rows.hasNext()) {
                    current = predictNextBatch(rows).iterator();
                }
                return current.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    private List<Row> predictNextBatch(Iterator<Row> rows) {
        ModelSpec spec = run.spec();
        int size = spec.imageSize();
        List<Row> batch = new ArrayList<>(run.batchSize());
        while (batch.size() < run.batchSize() && rows.hasNext()) {
            batch.add(rows.next());
        }
        float[] features = new float[batch.size() * size];
        for (int i = 0; i < batch.size(); i++) {
            byte[] pixels = image.pixels(batch.get(i), imageField, spec.channels(), spec.height(), spec.width());
            run.normalization().apply(pixels, features, i * size);
        }
        float[] probabilities;
        try (TaskNetworks.Lease lease = TaskNetworks.borrow(run)) {
            lease.network().loadParams(params.value());
            // labels only matter for the loss, which prediction does not compute
            probabilities = lease.network().predict(new Batch(features, new int[batch.size()], batch.size()));
        }
        int classes = spec.numClasses();
        List<Row> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Row row = batch.get(i);
            double[] p = new double[classes];
            int best = 0;
            for (int k = 0; k < classes; k++) {
                p[k] = probabilities[i * classes + k];
                if (p[k] > p[best]) {
                    best = k;
                }
            }
            Object[] values = new Object[row.length() + 2];
            for (int f = 0; f < row.length(); f++) {
                values[f] = row.get(f);
            }
            values[row.length()] = (double) best;
            values[row.length() + 1] = Vectors.dense(p);
            out.add(RowFactory.create(values));
        }
        return out;
    }
}
