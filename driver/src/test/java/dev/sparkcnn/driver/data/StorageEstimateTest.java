package dev.sparkcnn.driver.data;

import dev.sparkcnn.driver.config.Storage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.datasets.format.DatasetLayout;
import dev.sparkcnn.datasets.format.FormatOptions;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.SerializationStream;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** The storage estimate's arithmetic, and its bytes per record against Spark's own serializer. */
class StorageEstimateTest {
    private static final DatasetSpec CIFAR = new DatasetSpec(3, 32, 32, DatasetSpec.numberedClasses(10));

    private static LocatedDataset cifar(long records) {
        return new LocatedDataset("cifar10", new DatasetLayout(CIFAR, FormatOptions.defaults(),
                List.of(new DataFile("file:/data/train.bin", null, records)), List.of()));
    }

    private static StorageEstimate estimate(Storage storage, long records, int partitions, String master) {
        return StorageEstimate.of(storage, cifar(records), partitions, new SparkConf().set("spark.master", master));
    }

    @Test
    void serializedRecordSizeMatchesSparksJavaSerializer() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SerializationStream stream = new JavaSerializer(new SparkConf()).newInstance().serializeStream(bytes);
        Random random = new Random(1);
        int n = 2000;
        for (int i = 0; i < n; i++) {
            byte[] pixels = new byte[3072];
            random.nextBytes(pixels);
            stream.writeObject(new ImageRecord(i % 10, pixels), ClassTag$.MODULE$.apply(ImageRecord.class));
        }
        stream.close();
        double perRecord = (double) bytes.size() / n;
        assertEquals(3072 + StorageEstimate.SERIALIZED_OVERHEAD, perRecord, 2, "bytes per serialized record");
    }

    @Test
    void sixHundredThousandCifarImagesDoNotFitTwoOneGigabyteExecutors() {
        StorageEstimate memory = estimate(Storage.MEMORY, 600_000, 40, "local-cluster[2,1,1024]");
        assertEquals(600_000L * 3094, memory.expectedBytes());
        // (1024 - 300) MB x 0.6 per executor
        assertEquals((long) ((724L << 20) * 0.6), memory.storagePerExecutor());
        assertEquals(2, memory.executors());
        assertTrue(memory.describe().contains("1856 MB serialized"), memory.describe());
        assertEquals(1, memory.warnings().size(), memory.warnings().toString());
        assertTrue(memory.warnings().get(0).contains("about 49% of the partitions stay cached"),
                memory.warnings().toString());
        List<String> spill = estimate(Storage.MEMORY_AND_DISK, 600_000, 40, "local-cluster[2,1,1024]").warnings();
        assertEquals(1, spill.size());
        assertTrue(spill.get(0).contains("will spill"), spill.toString());
        assertEquals(List.of(), estimate(Storage.NONE, 600_000, 40, "local-cluster[2,1,1024]").warnings());
    }

    @Test
    void warnsWhenOnePartitionFillsAnExecutorsHeap() {
        // two partitions of 300,000 records: ~940 MB each on a 1 GB executor
        List<String> warnings = estimate(Storage.NONE, 600_000, 2, "local-cluster[2,1,1024]").warnings();
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("use at least 5 partitions"), warnings.toString());
    }

    @Test
    void smallSetsFitWithoutWarnings() {
        StorageEstimate e = estimate(Storage.MEMORY, 50_000, 2, "local-cluster[2,1,2048]");
        assertEquals(List.of(), e.warnings());
        assertTrue(e.describe().startsWith("storage memory: 50,000 records x 3,094 bytes = 155 MB serialized"),
                e.describe());
    }

    @Test
    void namesTheLevels() {
        assertEquals(Storage.MEMORY_AND_DISK, Storage.of(null));
        assertEquals(Storage.NONE, Storage.of("none"));
        assertThrows(dev.sparkcnn.driver.config.ConfigException.class, () -> Storage.of("disk"));
    }
}
