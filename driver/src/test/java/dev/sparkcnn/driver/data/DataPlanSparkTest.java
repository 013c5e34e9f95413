package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.driver.SparkTest;
import dev.sparkcnn.driver.fs.HadoopConf;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data plan on a real local Spark: reading, partitioning and the seeded split. */
@SparkTest
class DataPlanSparkTest {
    @TempDir
    static Path tmp;
    private static JavaSparkContext sc;
    private static HadoopConf hadoop;
    private static LocatedDataset dataset;

    @BeforeAll
    static void start(JavaSparkContext spark) {
        TestData.cifar(tmp.resolve("d"), 3, 101, 17);
        sc = spark;
        hadoop = new HadoopConf(sc.hadoopConfiguration());
        dataset = new DatasetLocator(hadoop).locate(tmp.resolve("d").toString(), null);
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

    /**
     * The reader sits in the lineage of the cached records, so it is serialized into every training
     * round's tasks: its Hadoop configuration must travel once, as a broadcast, not in each task.
     */
    @Test
    void tasksCarryTheReaderWithoutTheHadoopConfiguration() throws Exception {
        SliceReader local = SliceReader.of(hadoop, dataset);
        int conf = serializedSize(hadoop);
        int shipped = serializedSize(local.broadcastConf(sc));
        assertTrue(conf > 20_000, "the Hadoop configuration alone is " + conf + " bytes");
        assertTrue(shipped < 4_000, "a shipped reader is " + shipped + " bytes");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ((SliceReader) roundTrip(local)).read(Slice.plan(dataset.trainFiles(), 1).get(0)),
                "a reader shipped without broadcastConf says so instead of failing on a null configuration");
    }

    private static int serializedSize(Object o) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.size();
    }

    private static Object roundTrip(Object o) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
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

    @Test
    void testRecordsReadInOneProcessAreTheHeldOutSplitOrTheTestFiles() throws Exception {
        LocatedDataset noTestFiles = dataset.withoutTestFiles();
        TestRecords heldOut = new TestRecords(hadoop, noTestFiles, 3, 0.25, 11);
        List<ImageRecord> viaSpark = DataPlan.create(sc, hadoop, noTestFiles, 3, 0.25, 11).test().collect();
        assertEquals(viaSpark.size(), heldOut.count());
        assertEquals(viaSpark, heldOut.first(1000));
        assertEquals(viaSpark.subList(0, 30), heldOut.first(30));
        assertEquals(viaSpark.get(40), heldOut.at(40, "--index"));
        assertEquals("the held-out split", heldOut.source());

        TestRecords official = new TestRecords(hadoop, dataset, 3, 0.25, 11);
        List<ImageRecord> direct = new ArrayList<>();
        DataFile test = dataset.testFiles().get(0);
        try (InputStream in = Files.newInputStream(Path.of(java.net.URI.create(test.path())))) {
            CifarFormat.read(in, test.path(), 0, test.records(), 10, direct::add);
        }
        assertEquals(17, official.count());
        assertEquals(direct.subList(0, 5), official.first(5));
        assertEquals(direct.get(16), official.at(16, "--index"));
        String message = org.junit.jupiter.api.Assertions.assertThrows(
                dev.sparkcnn.driver.config.ConfigException.class, () -> official.at(17, "--index")).getMessage();
        assertTrue(message.contains("--index 17 is out of range") && message.contains("17 records"), message);
    }
}
