package dev.sparkcnn.driver.data;

import dev.sparkcnn.driver.config.Storage;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.TrainTestSplit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * The RDDs of one run. Executors read their slices of the files directly; the records are kept
 * as serialized uint8 {@link ImageRecord}s as {@link Storage} says (memory, memory and disk, or
 * not at all); the train and test RDDs are views of that cache through the
 * seeded per-partition split, which depends only on (seed, partition, position in partition).
 */
public final class DataPlan {
    private final LocatedDataset dataset;
    private final List<Slice> slices;
    private final double testFraction;
    private final long seed;
    private final JavaRDD<ImageRecord> records;
    private final SliceReader reader;
    private final LongAccumulator skipped;

    private DataPlan(LocatedDataset dataset, List<Slice> slices, double testFraction, long seed,
                     JavaRDD<ImageRecord> records, SliceReader reader, LongAccumulator skipped) {
        this.reader = reader;
        this.skipped = skipped;
        this.dataset = dataset;
        this.slices = slices;
        this.testFraction = testFraction;
        this.seed = seed;
        this.records = records;
    }

    /** Plans (lazily) the cached record RDD with {@code partitions} partitions; every bad record fails. */
    public static DataPlan create(JavaSparkContext sc, HadoopConf hadoop, LocatedDataset dataset, int partitions,
                                  double testFraction, long seed) {
        return create(sc, hadoop, dataset, partitions, testFraction, seed, false);
    }

    /**
     * As {@link #create(JavaSparkContext, HadoopConf, LocatedDataset, int, double, long)}; with
     * {@code skipBadImages}, image files that do not decode are skipped and counted
     * ({@link #skippedRecords()}).
     */
    public static DataPlan create(JavaSparkContext sc, HadoopConf hadoop, LocatedDataset dataset, int partitions,
                                  double testFraction, long seed, boolean skipBadImages) {
        return create(sc, hadoop, dataset, partitions, testFraction, seed, skipBadImages, Storage.DEFAULT);
    }

    /** As above, keeping the records as {@code storage} says ({@link Storage#NONE}: re-read on every pass). */
    public static DataPlan create(JavaSparkContext sc, HadoopConf hadoop, LocatedDataset dataset, int partitions,
                                  double testFraction, long seed, boolean skipBadImages, Storage storage) {
        List<Slice> slices = Slice.plan(dataset.trainFiles(), partitions);
        LongAccumulator skipped = sc.sc().longAccumulator("sparkcnn skipped records");
        SliceReader reader = (skipBadImages ? SliceReader.skippingBadImages(hadoop, dataset, skipped)
                : SliceReader.of(hadoop, dataset)).broadcastConf(sc);
        JavaRDD<ImageRecord> records = read(sc, reader, slices);
        if (storage != Storage.NONE) {
            records = records.persist(level(storage));
        }
        records = records.setName("sparkcnn records (" + dataset.format() + ", " + partitions + " partitions)");
        return new DataPlan(dataset, slices, testFraction, seed, records, reader, skipped);
    }

    /** The dataset's own test files as an RDD (not cached: read once for evaluation), or null. */
    public JavaRDD<ImageRecord> officialTest(JavaSparkContext sc, HadoopConf hadoop) {
        if (!dataset.hasOfficialTest()) {
            return null;
        }
        return read(sc, reader, Slice.plan(dataset.testFiles(), slices.size()))
                .setName("sparkcnn official test set");
    }

    private static JavaRDD<ImageRecord> read(JavaSparkContext sc, SliceReader reader, List<Slice> slices) {
        return sc.parallelize(slices, slices.size()).flatMap(s -> reader.read(s).iterator());
    }

    public JavaRDD<ImageRecord> train() {
        return split(false).setName("sparkcnn train split");
    }

    public JavaRDD<ImageRecord> test() {
        return split(true).setName("sparkcnn test split");
    }

    private JavaRDD<ImageRecord> split(boolean wantTest) {
        long s = seed;
        double f = testFraction;
        return records.mapPartitionsWithIndex((p, it) -> select(it, s, p, f, wantTest), true);
    }

    private static Iterator<ImageRecord> select(Iterator<ImageRecord> it, long seed, int partition, double fraction,
                                                boolean wantTest) {
        List<ImageRecord> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        BitSet test = TrainTestSplit.testMask(seed, partition, all.size(), fraction);
        List<ImageRecord> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (test.get(i) == wantTest) {
                out.add(all.get(i));
            }
        }
        return out.iterator();
    }

    /** Training records per partition, known on the driver without reading any data. */
    public long[] trainCounts() {
        return trainCounts(slices, testFraction);
    }

    /** Training records per partition for a plan that has not been made yet (checks before Spark starts). */
    public static long[] trainCounts(LocatedDataset dataset, int partitions, double testFraction) {
        return trainCounts(Slice.plan(dataset.trainFiles(), partitions), testFraction);
    }

    private static long[] trainCounts(List<Slice> slices, double testFraction) {
        long[] counts = new long[slices.size()];
        for (int p = 0; p < counts.length; p++) {
            long n = slices.get(p).records();
            counts[p] = n - Math.round(n * testFraction);
        }
        return counts;
    }

    public LocatedDataset dataset() {
        return dataset;
    }

    public int partitions() {
        return slices.size();
    }

    /**
     * What the cached records occupy, from Spark's storage info: bytes in memory and on disk, and
     * the fraction of partitions cached; null when nothing is cached yet.
     */
    public CacheUsage cacheUsage(JavaSparkContext sc) {
        for (org.apache.spark.storage.RDDInfo info : sc.sc().getRDDStorageInfo()) {
            if (info.id() == records.id()) {
                return new CacheUsage(info.memSize(), info.diskSize(), info.numCachedPartitions(),
                        info.numPartitions());
            }
        }
        return null;
    }

    /** Bytes the cached records take, and how many partitions are cached. */
    public record CacheUsage(long memoryBytes, long diskBytes, int cachedPartitions, int partitions) {
    }

    /**
     * Bad image files skipped so far (with {@code skipBadImages}); counted as executors read, so
     * read it after an action. A cached partition that Spark evicts and re-reads counts again.
     */
    public long skippedRecords() {
        return skipped.value();
    }

    /** Drops the cached records. */
    public void release() {
        records.unpersist(false);
    }

    /** Spark's storage level of a {@link Storage} (serialized: records are small uint8 arrays). */
    static StorageLevel level(Storage storage) {
        return switch (storage) {
            case MEMORY -> StorageLevel.MEMORY_ONLY_SER();
            case MEMORY_AND_DISK -> StorageLevel.MEMORY_AND_DISK_SER();
            case NONE -> StorageLevel.NONE();
        };
    }
}
