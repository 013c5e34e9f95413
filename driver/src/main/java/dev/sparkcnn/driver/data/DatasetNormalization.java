package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.DatasetStatistics;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.NormalizationSetting;
import org.apache.spark.api.java.JavaRDD;

/**
 * Decides the input normalization of a run on the driver. For {@code --normalize dataset} one
 * Spark job sums every channel's pixels and squared pixels over the training split where the
 * cached uint8 records live (exact integer sums, {@link DatasetStatistics}), tree-aggregated, so
 * only a few numbers per partition reach the driver and the result does not depend on the
 * partitioning.
 */
public final class DatasetNormalization {
    private static final int TREE_DEPTH = 2;

    private DatasetNormalization() {
    }

    /**
     * The normalization to train with.
     *
     * @param modelDefault the model's own (for {@code model})
     * @param train        the training split (read only for {@code dataset})
     */
    public static Normalization resolve(NormalizationSetting setting, Normalization modelDefault,
                                        JavaRDD<ImageRecord> train, DatasetSpec spec) {
        return switch (setting.mode()) {
            case NormalizationSetting.DATASET -> of(statistics(train, spec));
            case NormalizationSetting.GIVEN -> setting.given(spec.channels());
            default -> modelDefault;
        };
    }

    /** Pixel statistics of {@code records}, computed on the executors. */
    public static DatasetStatistics statistics(JavaRDD<ImageRecord> records, DatasetSpec spec) {
        return records.treeAggregate(new DatasetStatistics(spec), (s, r) -> {
            s.add(r);
            return s;
        }, DatasetStatistics::merge, TREE_DEPTH);
    }

    /**
     * The per-channel mean and std of the statistics as a normalization.
     *
     * @throws ConfigException if there are no records or a channel is constant (std 0)
     */
    public static Normalization of(DatasetStatistics stats) {
        if (stats.records() == 0) {
            throw new ConfigException("--normalize dataset: the training split has no records to compute "
                    + "statistics from");
        }
        double[] mean = stats.mean();
        double[] std = stats.std();
        float[] m = new float[mean.length];
        float[] s = new float[std.length];
        for (int c = 0; c < mean.length; c++) {
            if (!(std[c] > 0)) {
                throw new ConfigException("--normalize dataset: channel " + c + " has the same value in every training "
                        + "image (std 0), so it cannot be scaled; use --normalize model or give MEAN,STD");
            }
            m[c] = (float) mean[c];
            s[c] = (float) std[c];
        }
        return new Normalization(m, s);
    }
}
