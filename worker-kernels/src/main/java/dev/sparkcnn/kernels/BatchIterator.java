package dev.sparkcnn.kernels;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Groups uint8 records into float mini-batches: pixels are converted and normalized per batch
 * (never stored as floats), the last partial batch is emitted with fewer images. Each record is
 * checked against the model's input shape and class count.
 */
public final class BatchIterator implements Iterator<Batch> {

    private final Iterator<ImageRecord> records;
    private final int batchSize;
    private final ModelSpec spec;
    private final Normalization normalization;
    private long recordIndex;

    /**
     * @param records       the images, consumed lazily
     * @param batchSize     images per batch, at least 1
     * @param spec          the model the batches are for (input shape, classes)
     * @param normalization per-channel scaling, with the spec's channel count
     */
    public BatchIterator(Iterator<ImageRecord> records, int batchSize, ModelSpec spec, Normalization normalization) {
        this.records = Objects.requireNonNull(records, "records");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.normalization = Objects.requireNonNull(normalization, "normalization");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (normalization.channels() != spec.channels()) {
            throw new IllegalArgumentException("normalization has " + normalization.channels()
                    + " channels but model '" + spec.model() + "' takes " + spec.channels());
        }
        this.batchSize = batchSize;
    }

    @Override
    public boolean hasNext() {
        return records.hasNext();
    }

    @Override
    public Batch next() {
        if (!records.hasNext()) {
            throw new NoSuchElementException("no more records");
        }
        int imageSize = spec.imageSize();
        float[] features = new float[batchSize * imageSize];
        int[] labels = new int[batchSize];
        int size = 0;
        while (size < batchSize && records.hasNext()) {
            ImageRecord record = check(records.next());
            normalization.apply(record.pixels(), features, size * imageSize);
            labels[size] = record.label();
            size++;
            recordIndex++;
        }
        if (size < batchSize) {
            features = Arrays.copyOf(features, size * imageSize);
            labels = Arrays.copyOf(labels, size);
        }
        return new Batch(features, labels, size);
    }

    private ImageRecord check(ImageRecord record) {
        if (record.pixels().length != spec.imageSize()) {
            throw new IllegalArgumentException("record " + recordIndex + " has " + record.pixels().length
                    + " pixel bytes but model '" + spec.model() + "' expects " + spec.channels() + "x" + spec.height()
                    + "x" + spec.width() + " = " + spec.imageSize() + "; the dataset's image shape does not match"
                    + " the model spec");
        }
        if (record.label() >= spec.numClasses()) {
            throw new IllegalArgumentException("record " + recordIndex + " has label " + record.label()
                    + " but model '" + spec.model() + "' has " + spec.numClasses() + " classes (labels 0.."
                    + (spec.numClasses() - 1) + "); the dataset's class count does not match the model spec");
        }
        return record;
    }
}
