package dev.sparkcnn.driver.ml;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.config.ConfigException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
    static TrainingRecords of(Dataset<Row> df, ImageColumn image, String labelCol, int[] shape, int partitions) {
        Dataset<Row> selected = df.select(image.name(), labelCol);
        if (selected.rdd().getNumPartitions() != partitions) {
            selected = selected.repartition(partitions);
        }
        JavaRDD<ImageRecord> rdd = selected.javaRDD().map(new ToRecord(image, shape))
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

    /** One row (image, label) to a record; labels were checked to be whole numbers >= 0 on the driver. */
    private record ToRecord(ImageColumn image, int[] shape) implements Function<Row, ImageRecord> {
        @Override
        public ImageRecord call(Row row) {
            return new ImageRecord(((Number) row.get(1)).intValue(), image.pixels(row, 0, shape[0], shape[1],
                    shape[2]));
        }
    }
}
