package dev.sparkcnn.driver.hdfs;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.jobs.EvaluateJob;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data and model directories on a real HDFS: an in-process MiniDFSCluster (one name node, one
 * data node) reached only through {@code hdfs://} URIs, so no code path can fall back to
 * java.io files.
 */
@SparkTest
class HdfsTrainEvaluateTest {
    @TempDir
    static Path tmp;

    private static MiniDFSCluster cluster;
    private static FileSystem hdfs;
    private static String root;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
        root = "hdfs://localhost:" + cluster.getNameNodePort();
        Path local = TestData.cifar(tmp.resolve("local-data"), 2, 150, 60);
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path("/data"));
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    @Test
    void trainsFromAndWritesToHdfsThenEvaluatesTheModelThere() throws Exception {
        String out = root + "/models/demo";
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"train", "--data", root + "/data", "--model", "mnist-cnn", "--epochs", "1",
                "--batch-size", "32", "--partitions", "2", "--master", "local[2]", "--augment", "flip,crop",
                "--normalize", "dataset", "--out", out, "--conf", "spark.ui.enabled=false"},
                new PrintStream(stdout, true), new PrintStream(stderr, true));
        assertEquals(0, code, stderr.toString(StandardCharsets.UTF_8));
        assertTrue(stdout.toString(StandardCharsets.UTF_8).contains("official test set (60 records)"));

        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path("/models/demo");
        Set<String> files = Arrays.stream(hdfs.listStatus(dir)).map(s -> s.getPath().getName())
                .collect(Collectors.toSet());
        assertEquals(Set.of("model.json", "state.bin", "config.json", "metrics.json", "report.html", "report"), files);
        assertFalse(Arrays.stream(hdfs.listStatus(new org.apache.hadoop.fs.Path("/models")))
                .anyMatch(s -> s.getPath().getName().startsWith(".")), "no temporary directory left on HDFS");
        JsonNode model = read("/models/demo/model.json");
        assertTrue(model.get("normalization").get("mean").get(0).asDouble() > 0.1,
                "dataset statistics stored, not the model's mean 0: " + model.get("normalization"));

        JsonNode metrics = read("/models/demo/metrics.json");
        Map<String, EvaluationReport> again = new EvaluateJob(new EvaluateJob.Request(out, null, null, "local[2]",
                null, null, null, null, TestData.sparkTestConf()), new java.io.PrintWriter(new ByteArrayOutputStream()))
                .run();
        assertEquals(metrics.get("testAccuracy").asDouble(), again.get("test").accuracy(), 0.0,
                "evaluate reads the model and the data from HDFS and sees the same split");
        assertEquals(metrics.get("officialTestAccuracy").asDouble(), again.get("officialTest").accuracy(), 0.0);

        ByteArrayOutputStream predicted = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"predict", "--model-dir", out, "--index", "3"},
                new PrintStream(predicted, true), System.err));
        assertTrue(predicted.toString(StandardCharsets.UTF_8).contains("test record 3 (the dataset's test set)"),
                "predict reads the model and the test records from HDFS: " + predicted);
    }

    @Test
    void anUnknownSchemeIsAOneLineErrorNamingTheUri() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"train", "--data", "hdfx://localhost/data", "--out",
                tmp.resolve("never").toString(), "--master", "local[2]"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(stderr, true));
        String message = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("sparkcnn: error: hdfx://localhost/data: no Hadoop file system for scheme "
                + "'hdfx'"), message);
        assertFalse(Files.exists(tmp.resolve("never")));

        stderr.reset();
        code = Main.run(new String[] {"train", "--data", root + "/data", "--out", "hdfx://localhost/model",
                "--master", "local[2]"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(stderr, true));
        message = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, message);
        assertTrue(message.contains("hdfx://localhost/model"), message);

        stderr.reset();
        code = Main.run(new String[] {"train", "--data", "s3a://bucket/data", "--out", tmp.resolve("never").toString(),
                "--master", "local[2]"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(stderr, true));
        message = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("s3a://bucket/data: the Hadoop file system for scheme 's3a' is not on the class "
                + "path") && message.contains("hadoop-aws"), "hadoop-aws is not a test dependency: " + message);
    }

    private static JsonNode read(String path) throws Exception {
        try (InputStream in = hdfs.open(new org.apache.hadoop.fs.Path(path))) {
            return Json.MAPPER.readTree(in);
        }
    }
}
