package dev.sparkcnn.kernels;

import dev.sparkcnn.datasets.Augmentation;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.Iterator;
import java.util.Objects;

/**
 * A lazy view of training records with a random transform applied to each as it is pulled into a
 * batch: cached records stay untouched uint8, each transformed copy lives only until its batch is
 * converted to floats. Record {@code i} of the view is at position {@code firstPosition + i} of
 * its partition's shuffled epoch order, which (with seed, epoch and partition) keys its random
 * stream ({@link Augmentation#random}).
 */
public final class AugmentedRecords implements Iterator<ImageRecord> {
    private final Iterator<ImageRecord> records;
    private final Augmentation augmentation;
    private final ModelSpec spec;
    private final long seed;
    private final int epoch;
    private final int partition;
    private long position;

    private AugmentedRecords(Iterator<ImageRecord> records, Augmentation augmentation, ModelSpec spec, long seed,
                             int epoch, int partition, long firstPosition) {
        this.records = records;
        this.augmentation = augmentation;
        this.spec = spec;
        this.seed = seed;
        this.epoch = epoch;
        this.partition = partition;
        this.position = firstPosition;
    }

    /**
     * {@code records} transformed by {@code augmentation} for the model's image shape; the
     * iterator itself when there is nothing to do.
     */
    public static Iterator<ImageRecord> of(Iterator<ImageRecord> records, Augmentation augmentation, ModelSpec spec,
                                           long seed, int epoch, int partition, long firstPosition) {
        Objects.requireNonNull(records, "records");
        if (augmentation == null || augmentation.isNone()) {
            return records;
        }
        return new AugmentedRecords(records, augmentation, Objects.requireNonNull(spec, "spec"), seed, epoch,
                partition, firstPosition);
    }

    @Override
    public boolean hasNext() {
        return records.hasNext();
    }

    @Override
    public ImageRecord next() {
        ImageRecord record = records.next();
        long at = position++;
        if (record.pixels().length != spec.channels() * spec.height() * spec.width()) {
            return record; // BatchIterator reports the shape mismatch with the record's index
        }
        return new ImageRecord(record.label(), augmentation.apply(record.pixels(), spec.channels(), spec.height(),
                spec.width(), Augmentation.random(seed, epoch, partition, at)));
    }
}
