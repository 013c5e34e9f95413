package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.TrainTestSplit;
import dev.sparkcnn.driver.config.ConfigException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A model's test images read in one process, without Spark, for the report's image grid and for
 * {@code predict --index}: the dataset's own test files when it has them, otherwise the held-out
 * split of the model's run (same slices and seeded mask as {@link DataPlan}, so these are images
 * the model never trained on). Record {@code i} is the i-th of that sequence, partition by
 * partition.
 */
public final class TestRecords {
    private final LocatedDataset dataset;
    private final SliceReader reader;
    private final int partitions;
    private final double testFraction;
    private final long seed;

    /** The test records of {@code dataset} for a run with these split settings. */
    public TestRecords(HadoopConf hadoop, LocatedDataset dataset, int partitions, double testFraction, long seed) {
        this.dataset = dataset;
        this.reader = SliceReader.of(hadoop, dataset);
        this.partitions = partitions;
        this.testFraction = testFraction;
        this.seed = seed;
    }

    /** What the records are, for captions and messages. */
    public String source() {
        return dataset.hasOfficialTest() ? "the dataset's test set" : "the held-out split";
    }

    /** How many test records there are. */
    public long count() {
        if (dataset.hasOfficialTest()) {
            return dataset.testRecords();
        }
        long n = 0;
        for (Slice s : heldOutSlices()) {
            n += TrainTestSplit.testCount((int) s.records(), testFraction);
        }
        return n;
    }

    /** The first {@code n} test records (fewer if there are fewer). */
    public List<ImageRecord> first(int n) {
        if (dataset.hasOfficialTest()) {
            return reader.read(range(dataset.testFiles(), 0, n));
        }
        List<ImageRecord> out = new ArrayList<>(n);
        for (Slice s : heldOutSlices()) {
            if (out.size() >= n) {
                break;
            }
            for (ImageRecord r : heldOut(s)) {
                if (out.size() < n) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /**
     * Test record {@code index}; {@code option} names where the index came from.
     *
     * @throws ConfigException if there is no such record
     */
    public ImageRecord at(long index, String option) {
        long count = count();
        if (index < 0 || index >= count) {
            throw new ConfigException(option + " " + index + " is out of range: " + source() + " has " + count
                    + " records (0.." + (count - 1) + ")");
        }
        if (dataset.hasOfficialTest()) {
            return reader.read(range(dataset.testFiles(), index, 1)).get(0);
        }
        long skipped = 0;
        for (Slice s : heldOutSlices()) {
            long here = TrainTestSplit.testCount((int) s.records(), testFraction);
            if (index < skipped + here) {
                return heldOut(s).get((int) (index - skipped));
            }
            skipped += here;
        }
        throw new IllegalStateException("record " + index + " not found although count is " + count);
    }

    private List<Slice> heldOutSlices() {
        return Slice.plan(dataset.trainFiles(), partitions);
    }

    private List<ImageRecord> heldOut(Slice slice) {
        List<ImageRecord> all = reader.read(slice);
        BitSet mask = TrainTestSplit.testMask(seed, slice.partition(), all.size(), testFraction);
        List<ImageRecord> out = new ArrayList<>(mask.cardinality());
        mask.stream().forEach(i -> out.add(all.get(i)));
        return out;
    }

    /** Records {@code [from, from + n)} of the concatenated files, as one slice. */
    private static Slice range(List<DataFile> files, long from, long n) {
        List<Slice.Segment> segments = new ArrayList<>();
        long fileStart = 0;
        long to = from + n;
        for (DataFile f : files) {
            long a = Math.max(from, fileStart);
            long b = Math.min(to, fileStart + f.records());
            if (a < b) {
                segments.add(new Slice.Segment(f, a - fileStart, b - a));
            }
            fileStart += f.records();
        }
        return new Slice(0, List.copyOf(segments));
    }
}
