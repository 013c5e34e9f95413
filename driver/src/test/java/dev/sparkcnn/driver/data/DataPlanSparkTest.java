package dev.sparkcnn.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.TestData;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data plan on a real local Spark: reading, partitioning and the seeded split. */
class DataPlanSparkTest {
    @TempDir
    static Path tmp;
    private static JavaSparkContext sc;
    private static HadoopConf hadoop;
    private static LocatedDataset dataset;

    @BeforeAll
    static void start() {
        TestData.cifar(tmp.resolve("d"), 3, 101, 17);
        sc = TestData.spark();
        hadoop = new HadoopConf(sc.hadoopConfiguration());
        dataset = new DatasetLocator(hadoop).locate(tmp.resolve("d").toString(), null);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    @Test
    void locatesFormatFilesAndCounts() {
        assertEquals("cifar10", dataset.format());
        assertEquals(303, dataset.trainRecords());
        assertEquals(17, dataset.testRecords());
        assertEquals(CifarFormat.CIFAR10_CLASSES, dataset.spec().classNames());
    }

    @Test
    void executorsReadExactlyTheFilesInOrder() throws Exception {
        List<ImageRecord> direct = new ArrayList<>();
        for (DataFile f : dataset.trainFiles()) {
            try (InputStream in = Files.newInputStream(Path.of(java.net.URI.create(f.path())))) {
                CifarFormat.read(in, f.path(), 0, f.records(), 10, direct::add);
            }
        }
        DataPlan plan = DataPlan.create(sc, hadoop, dataset, 4, 0.2, 42);
        List<ImageRecord> viaSpark = new ArrayList<>(plan.train().collect());
        viaSpark.addAll(plan.test().collect());
        assertEquals(direct.size(), viaSpark.size());
        assertEquals(new HashSet<>(direct).size(), new HashSet<>(viaSpark).size());
        assertEquals(new HashSet<>(direct), new HashSet<>(viaSpark));
        plan.release();
    }

    @Test
    void splitIsSeededPerPartitionExactAndDisjoint() {
        List<List<ImageRecord>> a = testSets(42);
        assertEquals(a, testSets(42), "same seed, same membership");
        assertNotEquals(a, testSets(43), "another seed, another membership");

        DataPlan plan = DataPlan.create(sc, hadoop, dataset, 4, 0.2, 42);
        List<List<ImageRecord>> train = plan.train().glom().collect();
        long[] expectedTrain = plan.trainCounts();
        for (int p = 0; p < 4; p++) {
            long n = train.get(p).size() + a.get(p).size();
            assertEquals(expectedTrain[p], train.get(p).size());
            assertTrue(Math.abs(a.get(p).size() - 0.2 * n) <= 1, "20% +-1 record in partition " + p);
            Set<ImageRecord> overlap = new HashSet<>(train.get(p));
            overlap.retainAll(a.get(p));
            assertTrue(overlap.isEmpty(), "no record is in both train and test");
        }
        plan.release();
    }

    private static List<List<ImageRecord>> testSets(long seed) {
        DataPlan plan = DataPlan.create(sc, hadoop, dataset, 4, 0.2, seed);
        List<List<ImageRecord>> parts = plan.test().glom().collect();
        plan.release();
        return parts;
    }
}
