package dev.sparkcnn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application jar against the Spark installation it is submitted to: a class both contain
 * would be loaded from whichever comes first on an executor's class path, so the jar must share
 * none with Spark's jars. Also the packaging rules spark-submit depends on.
 */
class AppJarIT {
    private static List<String> entries;

    @BeforeAll
    static void readJar() throws IOException {
        try (JarFile jar = new JarFile(Checkout.APP_JAR.toFile())) {
            entries = jar.stream().map(ZipEntry::getName).toList();
        }
    }

    @Test
    void sharesNoClassWithSparksJars() throws IOException {
        Set<String> spark = new HashSet<>();
        try (Stream<Path> jars = Files.list(Checkout.SPARK_JARS)) {
            for (Path j : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile jar = new JarFile(j.toFile())) {
                    jar.stream().map(ZipEntry::getName).filter(AppJarIT::isClass).forEach(spark::add);
                }
            }
        }
        assertTrue(spark.contains("org/apache/spark/SparkContext.class"), "Spark's jars were not found");
        Set<String> shared = entries.stream().filter(AppJarIT::isClass).filter(spark::contains)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), shared.stream().limit(20).collect(Collectors.toSet()),
                shared.size() + " classes are both in the application jar and in Spark's jars; relocate them "
                        + "in deploy/pom.xml or leave them to Spark");
    }

    @Test
    void leavesSparkHadoopScalaAndLoggingToTheCluster() {
        for (String prefix : List.of("org/apache/spark/", "org/apache/hadoop/", "scala/", "org/slf4j/",
                "org/apache/logging/log4j/")) {
            assertFalse(entries.stream().anyMatch(e -> e.startsWith(prefix)), prefix + " is in the application jar");
        }
        assertTrue(entries.contains("dev/sparkcnn/shaded/com/fasterxml/jackson/databind/ObjectMapper.class"));
        assertFalse(entries.stream().anyMatch(e -> e.startsWith("com/fasterxml/")), "unrelocated Jackson");
    }

    @Test
    void holdsNeitherDl4jSparkNorOnnxRuntime() {
        // dl4j-spark lives in the peers module (bench strategies --peers), ONNX Runtime only in tests
        for (String prefix : List.of("org/deeplearning4j/spark/", "org/nd4j/parameterserver/", "io/aeron/",
                "ai/onnxruntime/")) {
            assertFalse(entries.stream().anyMatch(e -> e.startsWith(prefix)), prefix + " is in the application jar");
        }
        assertFalse(entries.stream().anyMatch(e -> e.contains("onnxruntime")), "an ONNX Runtime native library");
        // what export needs is there: the exporter and the ONNX protobuf classes ND4J ships
        assertTrue(entries.contains("dev/sparkcnn/driver/export/onnx/OnnxExporter.class"));
        assertTrue(entries.contains("onnx/Onnx$ModelProto.class"));
    }

    @Test
    void carriesExactlyTheOneNativeBuildTheBuildChose() {
        String prefix = "org/nd4j/linalg/cpu/nativecpu/bindings/";
        Set<String> platforms = entries.stream().filter(e -> e.startsWith(prefix))
                .map(e -> e.substring(prefix.length())).filter(e -> e.contains("/")) // directories, not classes
                .map(e -> e.substring(0, e.indexOf('/'))).collect(Collectors.toSet());
        assertEquals(Set.of(System.getProperty("nd4j.classifier", "linux-x86_64-onednn-avx2")), platforms);
        assertTrue(entries.contains(prefix + platforms.iterator().next() + "/libnd4jcpu.so"));
    }

    @Test
    void hasNoSignaturesMergedServicesAndAMainClass() throws IOException {
        assertFalse(entries.stream().anyMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA)")), "signature files");
        try (JarFile jar = new JarFile(Checkout.APP_JAR.toFile())) {
            assertEquals("dev.sparkcnn.driver.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            // services of relocated libraries are renamed and name the relocated implementations
            ZipEntry codec = jar.getEntry("META-INF/services/dev.sparkcnn.shaded.com.fasterxml.jackson.core.ObjectCodec");
            assertTrue(codec != null, "relocated Jackson service file");
            String text = new String(jar.getInputStream(codec).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("dev.sparkcnn.shaded.com.fasterxml.jackson.databind.ObjectMapper"), text);
            // merged, not first-wins: nd4j-native-api and nd4j-native both register compressors
            ZipEntry compressors = jar.getEntry("META-INF/services/org.nd4j.linalg.compression.NDArrayCompressor");
            String merged = new String(jar.getInputStream(compressors).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(merged.contains("org.nd4j.compression.impl.NoOp") && merged.contains(
                    "org.nd4j.linalg.cpu.nativecpu.compression.CpuThreshold"), merged);
        }
        assertFalse(entries.stream().anyMatch(e -> e.startsWith("META-INF/services/com.fasterxml.")),
                "a service file names unrelocated Jackson");
    }

    private static boolean isClass(String name) {
        return name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class");
    }
}
