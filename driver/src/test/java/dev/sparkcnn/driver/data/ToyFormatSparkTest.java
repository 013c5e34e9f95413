package dev.sparkcnn.driver.data;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.format.DatasetFormats;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A format added as one class and one registration line ({@link ToyFormat}) is detected, located
 * and read through the path training uses: DatasetLocator on the driver, then DataPlan's executors
 * on a local Spark.
 */
@SparkTest
class ToyFormatSparkTest {
    @TempDir
    static Path tmp;
    private static JavaSparkContext sc;
    private static HadoopConf hadoop;

    @BeforeAll
    static void start(JavaSparkContext context) {
        sc = context;
        hadoop = new HadoopConf(sc.hadoopConfiguration());
    }


    @Test
    void theToyFormatIsRegisteredBesideTheBuiltInOnes() {
        assertTrue(DatasetFormats.names().containsAll(List.of("toy", "cifar10", "cifar100", "idx", "images")),
                DatasetFormats.names().toString());
    }

    @Test
    void aToyDatasetIsDetectedAndReadByExecutors() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("toys"));
        List<ImageRecord> written = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            byte[] bytes = new byte[ToyFormat.RECORD * 20];
            for (int r = 0; r < 20; r++) {
                int label = (f + r) % 2;
                byte[] pixels = {(byte) f, (byte) r, (byte) (f * r), (byte) (label * 200)};
                bytes[r * ToyFormat.RECORD] = (byte) label;
                System.arraycopy(pixels, 0, bytes, r * ToyFormat.RECORD + 1, 4);
                written.add(new ImageRecord(label, pixels));
            }
            Files.write(dir.resolve("part-" + f + ".toy"), bytes);
        }
        LocatedDataset detected = new DatasetLocator(hadoop).locate(dir.toString(), null);
        assertEquals("toy", detected.format());
        assertEquals(60, detected.trainRecords());
        assertEquals(List.of("off", "on"), detected.spec().classNames());
        assertEquals(detected, new DatasetLocator(hadoop).locate(dir.toString(), "toy"), "--format toy");

        DataPlan plan = DataPlan.create(sc, hadoop, detected, 4, 0.25, 42);
        List<ImageRecord> read = new ArrayList<>(plan.train().collect());
        read.addAll(plan.test().collect());
        plan.release();
        assertEquals(60, read.size());
        assertEquals(new HashSet<>(written), new HashSet<>(read));
    }
}
