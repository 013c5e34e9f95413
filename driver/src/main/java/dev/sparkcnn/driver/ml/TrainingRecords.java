package dev.sparkcnn.driver.ml;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.driver.config.ConfigException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * A DataFrame as the {@code JavaRDD<ImageRecord>} the training strategies take: image and label
 * columns only, converted to CHW RGB uint8 once, in the requested number of partitions, cached for
 * the many rounds that read it.
 */
final class TrainingRecords {
    private final JavaRDD<ImageRecord> rdd;
    private final long[] counts;

    private TrainingRecords(JavaRDD<ImageRecord> rdd, long[] counts) {
        this.rdd = rdd;
        this.counts = counts;
    }

    /**
     * Converts and caches (one Spark job, which also counts each partition).
     *
     * @param partitions the partitions to train on; the DataFrame is repartitioned if it has others
     * @throws ConfigException if a partition would hold no records
     */
    static TrainingRecords of(Dataset<Row> df, ImageColumn image, String labelCol, int[] shape, int partitions,
                              boolean skipInvalid) {
        Dataset<Row> selected = df.select(image.name(), labelCol);
        if (selected.rdd().getNumPartitions() != partitions) {
            selected = selected.repartition(partitions);
        }
        JavaRDD<ImageRecord> rdd = selected.javaRDD().flatMap(new ToRecord(image, labelCol, shape, skipInvalid))
                .persist(StorageLevel.MEMORY_AND_DISK());
        long[] counts = rdd.mapPartitions(it -> {
            long n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return List.of(n).iterator();
        }).collect().stream().mapToLong(Long::longValue).toArray();
        if (Arrays.stream(counts).min().orElse(0) < 1) {
            rdd.unpersist(false);
            throw new ConfigException("CnnClassifier partitions " + partitions + " is more than the "
                    + Arrays.stream(counts).sum() + " training rows can fill; set partitions lower");
        }
        return new TrainingRecords(rdd, counts);
    }

    JavaRDD<ImageRecord> rdd() {
        return rdd;
    }

    long largestPartition() {
        return Arrays.stream(counts).max().orElse(0);
    }

    long total() {
        return Arrays.stream(counts).sum();
    }

    void release() {
        rdd.unpersist(false);
    }

    /**
     * The rows {@code handleInvalid=skip} trains on: a label that is present, a whole number, at
     * least 0 and below {@code numClasses} (when set), and an image that is present and, for binary
     * and array columns, holds the {@code shape}'s number of values. Image structs of another size
     * than the rest still fail the driver's summary; a struct that cannot be converted is dropped
     * later, per row ({@link ToRecord}).
     */
    static Dataset<Row> validRows(Dataset<Row> df, ImageColumn image, String labelCol, int[] shape,
                                  Integer numClassesOrNull) {
        Column label = functions.col(labelCol);
        Column img = functions.col(image.name());
        Column valid = label.isNotNull().and(functions.not(functions.isnan(label.cast("double"))))
                .and(label.equalTo(functions.floor(label))).and(label.geq(0)).and(img.isNotNull());
        if (numClassesOrNull != null) {
            valid = valid.and(label.lt(numClassesOrNull));
        }
        if (image.kind() != ImageColumn.Kind.IMAGE_STRUCT) {
            Column values = image.kind() == ImageColumn.Kind.BINARY ? functions.length(img) : functions.size(img);
            valid = valid.and(values.equalTo(shape[0] * shape[1] * shape[2]));
        }
        return df.filter(valid);
    }

    /**
     * One row (image, label) to a record, the label checked again here, row by row: the driver's
     * summary saw the data once, and a source read twice need not give the same rows. An invalid row
     * fails the task with {@link InvalidDataException} naming the label, or is dropped with {@code skip}.
     *
     * @param shape channels, height, width and the number of classes
     */
    private record ToRecord(ImageColumn image, String labelCol, int[] shape, boolean skip)
            implements FlatMapFunction<Row, ImageRecord> {
        @Override
        public Iterator<ImageRecord> call(Row row) {
            try {
                return List.of(new ImageRecord(label(row), image.pixels(row, 0, shape[0], shape[1], shape[2])))
                        .iterator();
            } catch (InvalidDataException e) {
                if (skip) {
                    return Collections.emptyIterator();
                }
                throw e;
            }
        }

        private int label(Row row) {
            Object value = row.get(1);
            double d = value == null ? Double.NaN : ((Number) value).doubleValue();
            if (!(d >= 0 && d < shape[3] && d == Math.rint(d))) {
                throw new InvalidDataException("CnnClassifier labelCol '" + labelCol + "': label " + value
                        + " is not a class index 0.." + (shape[3] - 1) + " (set handleInvalid to 'skip' to leave "
                        + "such rows out)");
            }
            return (int) d;
        }
    }
}
