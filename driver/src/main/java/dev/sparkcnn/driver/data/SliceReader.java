package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.datasets.format.DatasetFormat;
import dev.sparkcnn.datasets.format.DatasetFormats;
import dev.sparkcnn.datasets.format.FormatOptions;
import dev.sparkcnn.datasets.format.RecordSink;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.io.IOException;
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
    private final FormatOptions options;
    private final DatasetSpec spec;
    private final LongAccumulator skipped;

    private SliceReader(HadoopConf hadoop, LocatedDataset dataset, LongAccumulator skipped) {
        this.hadoop = hadoop;
        this.shared = null;
        this.format = dataset.format();
        this.options = dataset.options();
        this.spec = dataset.spec();
        this.skipped = skipped;
    }

    private SliceReader(SliceReader reader, Broadcast<HadoopConf> shared) {
        this.hadoop = reader.hadoop;
        this.shared = shared;
        this.format = reader.format;
        this.options = reader.options;
        this.spec = reader.spec;
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
        DatasetFormat reader = DatasetFormats.get(format);
        HadoopDataFileSystem fs = new HadoopDataFileSystem(hadoop());
        RecordSink sink = skipped == null ? out::accept : new SkippingSink(out, skipped);
        for (Slice.Segment s : slice.segments()) {
            DataFile f = s.file();
            try {
                reader.read(fs, spec, options, f, s.first(), s.count(), sink);
            } catch (IOException e) {
                throw new UncheckedIOException(f.path() + ": read failed: " + e.getMessage(), e);
            }
        }
    }

    /** Passes records on; counts and logs a bad stand-alone record instead of failing. */
    private record SkippingSink(Consumer<ImageRecord> out, LongAccumulator skipped) implements RecordSink {
        @Override
        public void accept(ImageRecord record) {
            out.accept(record);
        }

        @Override
        public void badRecord(InvalidDataException e) {
            LOG.warn("skipping a bad image (--on-bad-record skip): {}", e.getMessage());
            skipped.add(1);
        }
    }
}
