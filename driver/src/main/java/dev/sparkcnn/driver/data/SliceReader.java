package dev.sparkcnn.driver.data;

import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.datasets.Cifar100Format;
import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.ImageFolderFormat;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.IdxFormat;
import dev.sparkcnn.datasets.ImageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executor side of the data plan: reads one partition's {@link Slice} straight from the file
 * system (never through the driver), validating every record.
 */
public final class SliceReader implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    private final transient HadoopConf hadoop; // in the driver; executors use shared (a broadcast) when set
    private final Broadcast<HadoopConf> shared;
    private final String format;
    private final Cifar100Format.LabelSet labelSet;
    private final DatasetSpec spec;
    private final int numClasses;
    private final LongAccumulator skipped;

    private SliceReader(HadoopConf hadoop, LocatedDataset dataset, LongAccumulator skipped) {
        this.hadoop = hadoop;
        this.shared = null;
        this.format = dataset.format();
        this.labelSet = dataset.labelSet() == null ? null : Cifar100Format.LabelSet.parse(dataset.labelSet());
        this.spec = dataset.spec();
        this.numClasses = spec.numClasses();
        this.skipped = skipped;
    }

    private SliceReader(SliceReader reader, Broadcast<HadoopConf> shared) {
        this.hadoop = reader.hadoop;
        this.shared = shared;
        this.format = reader.format;
        this.labelSet = reader.labelSet;
        this.spec = reader.spec;
        this.numClasses = reader.numClasses;
        this.skipped = reader.skipped;
    }

    /**
     * This reader with its Hadoop configuration broadcast once instead of serialized into every
     * task: the configuration (~100 KB) sits in the lineage of the cached records, so it was in the
     * closure of every training round's tasks (105 KB task binaries, 10–20 ms of deserialisation per
     * task and round in one JVM, 33–61 ms across JVMs).
     */
    public SliceReader broadcastConf(JavaSparkContext sc) {
        if (hadoop == null) {
            throw new IllegalStateException("broadcastConf is for the driver's reader");
        }
        return new SliceReader(this, sc.broadcast(hadoop));
    }

    private HadoopConf hadoop() {
        if (shared != null) {
            return shared.value();
        }
        if (hadoop == null) {
            throw new IllegalStateException("a SliceReader shipped to executors needs broadcastConf");
        }
        return hadoop;
    }

    /** A reader of the dataset's files in its format (and CIFAR-100 label set); every bad record fails. */
    public static SliceReader of(HadoopConf hadoop, LocatedDataset dataset) {
        return new SliceReader(hadoop, dataset, null);
    }

    /**
     * A reader that skips an image file that does not decode or has the wrong channel count, logging
     * a warning and counting it in {@code skipped}. (Only image folders have per-file records to skip:
     * a bad record inside a CIFAR or IDX file still fails, as the rest of that file is suspect.)
     */
    public static SliceReader skippingBadImages(HadoopConf hadoop, LocatedDataset dataset, LongAccumulator skipped) {
        return new SliceReader(hadoop, dataset, skipped);
    }

    public List<ImageRecord> read(Slice slice) {
        List<ImageRecord> out = new ArrayList<>((int) slice.records());
        forEach(slice, out::add);
        return out;
    }

    /** Streams the slice's records to {@code out} in order, holding none of them. */
    public void forEach(Slice slice, Consumer<ImageRecord> out) {
        for (Slice.Segment s : slice.segments()) {
            DataFile f = s.file();
            try {
                if ("cifar10".equals(format)) {
                    try (InputStream in = hadoop().open(f.path())) {
                        CifarFormat.read(in, f.path(), s.first(), s.count(), numClasses, out);
                    }
                } else if ("images".equals(format)) {
                    readImage(f, out);
                } else if ("cifar100".equals(format)) {
                    try (InputStream in = hadoop().open(f.path())) {
                        Cifar100Format.read(in, f.path(), s.first(), s.count(), labelSet, numClasses, out);
                    }
                } else {
                    try (InputStream images = hadoop().open(f.path()); InputStream labels = hadoop().open(f.labelsPath())) {
                        IdxFormat.read(images, f.path(), labels, f.labelsPath(), s.first(), s.count(), numClasses,
                                out);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(f.path() + ": read failed: " + e.getMessage(), e);
            }
        }
    }

    private void readImage(DataFile f, Consumer<ImageRecord> out) throws IOException {
        String path = f.path();
        String folder = path.substring(0, path.lastIndexOf('/'));
        int label = spec.classNames().indexOf(folder.substring(folder.lastIndexOf('/') + 1));
        if (label < 0) {
            throw new IllegalStateException(path + ": not in a class folder of " + spec.classNames());
        }
        ImageRecord record;
        try (InputStream in = hadoop().open(path)) {
            record = ImageFolderFormat.decode(in, path, label, spec.channels(), spec.height());
        } catch (InvalidDataException e) {
            if (skipped == null) {
                throw e;
            }
            LOG.warn("skipping a bad image (--on-bad-record skip): {}", e.getMessage());
            skipped.add(1);
            return;
        }
        out.accept(record);
    }
}
