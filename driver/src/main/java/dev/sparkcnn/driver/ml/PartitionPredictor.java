package dev.sparkcnn.driver.ml;

import dev.sparkcnn.datasets.InvalidDataException;
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
 * Executor side of {@link CnnClassificationModel#transform}: a row whose image cannot be read
 * fails the task, is dropped, or is kept with prediction NaN and no probability, as
 * {@code handleInvalid} says ({@code error}, {@code skip}, {@code keep}); rows stream through in batches of
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
    private final String handleInvalid;

    PartitionPredictor(TrainingRun run, Broadcast<float[]> params, ImageColumn image, int imageField,
                       String handleInvalid) {
        this.run = run;
        this.params = params;
        this.image = image;
        this.imageField = imageField;
        this.handleInvalid = handleInvalid;
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
        // out keeps the rows' order: a kept invalid row holds its place, a valid one is filled in below
        List<Row> out = new ArrayList<>(run.batchSize());
        List<Integer> slots = new ArrayList<>(run.batchSize());
        List<byte[]> images = new ArrayList<>(run.batchSize());
        while (images.size() < run.batchSize() && rows.hasNext()) {
            Row row = rows.next();
            try {
                images.add(image.pixels(row, imageField, spec.channels(), spec.height(), spec.width()));
            } catch (InvalidDataException e) {
                if (CnnParams.ERROR.equals(handleInvalid)) {
                    throw e;
                }
                if (CnnParams.KEEP.equals(handleInvalid)) {
                    out.add(withOutput(row, Double.NaN, null));
                }
                continue; // skip: the row is dropped
            }
            slots.add(out.size());
            out.add(row);
        }
        if (images.isEmpty()) {
            return out;
        }
        int n = images.size();
        float[] features = new float[n * size];
        for (int i = 0; i < n; i++) {
            run.normalization().apply(images.get(i), features, i * size);
        }
        float[] probabilities;
        try (TaskNetworks.Lease lease = TaskNetworks.borrow(run)) {
            lease.network().loadParams(params.value());
            // labels only matter for the loss, which prediction does not compute
            probabilities = lease.network().predict(new Batch(features, new int[n], n));
        }
        int classes = spec.numClasses();
        for (int i = 0; i < n; i++) {
            double[] p = new double[classes];
            int best = 0;
            for (int k = 0; k < classes; k++) {
                p[k] = probabilities[i * classes + k];
                if (p[k] > p[best]) {
                    best = k;
                }
            }
            int slot = slots.get(i);
            out.set(slot, withOutput(out.get(slot), best, Vectors.dense(p)));
        }
        return out;
    }

    private static Row withOutput(Row row, double prediction, Object probability) {
        Object[] values = new Object[row.length() + 2];
        for (int f = 0; f < row.length(); f++) {
            values[f] = row.get(f);
        }
        values[row.length()] = prediction;
        values[row.length() + 1] = probability;
        return RowFactory.create(values);
    }
}
