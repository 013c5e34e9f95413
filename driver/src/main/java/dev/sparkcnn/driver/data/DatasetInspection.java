package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.DatasetStatistics;
import java.util.List;
import java.util.Locale;
import org.apache.spark.util.LongAccumulator;

/**
 * What {@code data inspect} reports: the located dataset and statistics of its training and test
 * files, computed by streaming every record once in this process (no Spark). Reading goes through
 * the same validating readers as training, so a corrupt file fails here with the same message.
 */
public final class DatasetInspection {
    private static final List<String> RGB = List.of("red", "green", "blue");

    private final String data;
    private final LocatedDataset dataset;
    private final DatasetStatistics train;
    private final DatasetStatistics test;
    private final long skipped;

    private DatasetInspection(String data, LocatedDataset dataset, DatasetStatistics train, DatasetStatistics test,
                              long skipped) {
        this.skipped = skipped;
        this.data = data;
        this.dataset = dataset;
        this.train = train;
        this.test = test;
    }

    /** Locates the dataset at {@code data} and reads all of it. */
    public static DatasetInspection of(HadoopConf hadoop, String data, String format, String labelSet,
                                       Integer imageSize, boolean skipBadImages) {
        LocatedDataset dataset = new DatasetLocator(hadoop).locate(data, format, labelSet, imageSize);
        LongAccumulator skipped = new LongAccumulator(); // used in this process only: no Spark context needed
        SliceReader reader = skipBadImages ? SliceReader.skippingBadImages(hadoop, dataset, skipped)
                : SliceReader.of(hadoop, dataset);
        return new DatasetInspection(data, dataset, statistics(reader, dataset.spec(), dataset.trainFiles()),
                statistics(reader, dataset.spec(), dataset.testFiles()), skipped.value());
    }

    private static DatasetStatistics statistics(SliceReader reader, DatasetSpec spec, List<DataFile> files) {
        DatasetStatistics stats = new DatasetStatistics(spec);
        for (DataFile f : files) {
            reader.forEach(Slice.plan(List.of(f), 1).get(0), stats::add);
        }
        return stats;
    }

    public LocatedDataset dataset() {
        return dataset;
    }

    public DatasetStatistics train() {
        return train;
    }

    public DatasetStatistics test() {
        return test;
    }

    /** The human-readable report. */
    public String render() {
        DatasetSpec spec = dataset.spec();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "dataset  %s%nformat   %s%s, %dx%dx%d, %d classes%nfiles%n", data,
                dataset.format(), dataset.labelSet() != null ? " (" + dataset.labelSet() + " labels)" : "",
                spec.channels(), spec.height(), spec.width(), spec.numClasses()));
        for (DataFile f : dataset.trainFiles()) {
            b.append(String.format(Locale.ROOT, "  %-32s %9d records  train%n", f.name(), f.records()));
        }
        for (DataFile f : dataset.testFiles()) {
            b.append(String.format(Locale.ROOT, "  %-32s %9d records  test%n", f.name(), f.records()));
        }
        b.append(String.format(Locale.ROOT, "records  %d train, %d test%s%n", train.records(), test.records(),
                skipped > 0 ? ", " + skipped + " bad image file(s) skipped" : ""));
        b.append(String.format(Locale.ROOT, "class histogram%n  %-28s %9s %9s%n", "label", "train", "test"));
        long[] trainCounts = train.classCounts();
        long[] testCounts = test.classCounts();
        for (int k = 0; k < spec.numClasses(); k++) {
            b.append(String.format(Locale.ROOT, "  %-28s %9d %9d%n", k + " " + spec.classNames().get(k),
                    trainCounts[k], testCounts[k]));
        }
        b.append(String.format(Locale.ROOT, "pixels scaled to [0,1]%n  %-18s %9s %9s %9s %9s%n", "channel",
                "train mean", "std", "test mean", "std"));
        double[] trainMean = train.mean();
        double[] trainStd = train.std();
        double[] testMean = test.mean();
        double[] testStd = test.std();
        for (int c = 0; c < spec.channels(); c++) {
            String name = spec.channels() == 3 ? c + " " + RGB.get(c) : Integer.toString(c);
            b.append(String.format(Locale.ROOT, "  %-18s %10.4f %9.4f", name, trainMean[c], trainStd[c]));
            b.append(test.records() == 0 ? String.format(Locale.ROOT, " %9s %9s%n", "-", "-")
                    : String.format(Locale.ROOT, " %9.4f %9.4f%n", testMean[c], testStd[c]));
        }
        return b.toString();
    }
}
