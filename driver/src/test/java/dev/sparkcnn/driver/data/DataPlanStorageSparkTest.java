package dev.sparkcnn.driver.data;

import dev.sparkcnn.driver.config.Storage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.nio.file.Path;
import java.util.HashSet;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage levels on a real local Spark: what is kept, where, how large, and that the records are the same. */
class DataPlanStorageSparkTest {
    @TempDir
    static Path tmp;
    private static JavaSparkContext sc;
    private static HadoopConf hadoop;
    private static LocatedDataset dataset;

    @BeforeAll
    static void start() {
        TestData.cifar(tmp.resolve("d"), 2, 500, 10);
        sc = TestData.spark();
        hadoop = new HadoopConf(sc.hadoopConfiguration());
        dataset = new DatasetLocator(hadoop).locate(tmp.resolve("d").toString(), null);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    @Test
    void memoryKeepsSerializedRecordsOfTheEstimatedSize() {
        DataPlan plan = DataPlan.create(sc, hadoop, dataset, 2, 0.2, 42, false, Storage.MEMORY);
        HashSet<ImageRecord> first = new HashSet<>(plan.train().collect());
        DataPlan.CacheUsage usage = plan.cacheUsage(sc);
        assertEquals(2, usage.cachedPartitions());
        assertEquals(0, usage.diskBytes());
        long expected = StorageEstimate.of(Storage.MEMORY, dataset, 2, new SparkConf()).expectedBytes();
        assertEquals(expected, usage.memoryBytes(), expected * 0.02, "cached bytes vs the estimate");
        assertEquals(first, new HashSet<>(plan.train().collect()));
        plan.release();
    }

    @Test
    void memoryAndDiskKeepsTheSameRecords() {
        DataPlan plan = DataPlan.create(sc, hadoop, dataset, 2, 0.2, 42, false, Storage.MEMORY_AND_DISK);
        DataPlan none = DataPlan.create(sc, hadoop, dataset, 2, 0.2, 42, false, Storage.NONE);
        assertEquals(new HashSet<>(none.train().collect()), new HashSet<>(plan.train().collect()));
        assertEquals(2, plan.cacheUsage(sc).cachedPartitions());
        assertNull(none.cacheUsage(sc), "storage none keeps nothing");
        plan.release();
    }
}
