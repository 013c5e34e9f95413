package dev.sparkcnn.driver.registry;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 1 of issue 8, last part: two {@code retrain} processes at once on one registry (two
 * JVMs, since one JVM holds one Spark context) leave it consistent: distinct versions, each
 * complete, a champion that is one of them, no staging directory, and exit codes a scheduler
 * understands (promoted or kept, never failed).
 */
@SparkTest
class RetrainConcurrencyTest {
    @TempDir
    Path tmp;

    @Test
    void twoRetrainsAtOnceLeaveAConsistentRegistry() throws Exception {
        Path data = TestData.cifar(tmp.resolve("data"), 2, 60, 10);
        String reg = tmp.resolve("reg").toString();
        List<Process> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(retrain(reg, data, i));
        }
        List<Integer> codes = new ArrayList<>();
        for (Process p : runs) {
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "retrain finished");
            codes.add(p.exitValue());
        }
        for (int i = 0; i < 2; i++) {
            String log = Files.readString(tmp.resolve("run" + i + ".log"));
            assertTrue(codes.get(i) == 0 || codes.get(i) == 3, "exit " + codes.get(i) + ":\n" + log);
        }
        assertTrue(codes.contains(0), "one of them promoted: " + codes);
        for (int i = 0; i < 2; i++) {
            Files.readString(tmp.resolve("run" + i + ".log")).lines().filter(l -> l.startsWith("model m: challenger"))
                    .forEach(l -> System.out.println("retrain (exit " + codes.get(0) + ", " + codes.get(1) + "): " + l));
        }

        ModelRegistry registry = new ModelRegistry(new HadoopConf(new Configuration()), reg, "m");
        assertEquals(List.of(1, 2), registry.versions());
        ChampionEntry champion = registry.champion();
        assertNotNull(champion);
        for (int v : registry.versions()) {
            try (Stream<Path> files = Files.list(Path.of(reg, "m", "v" + v))) {
                assertEquals(Set.of("model.json", "state.bin", "config.json", "metrics.json", "provenance.json"),
                        files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
            }
            Provenance p = registry.provenance(v);
            boolean isChampion = v == champion.version();
            assertEquals(isChampion || registry.history().stream().anyMatch(e -> e.version() == p.version()),
                    p.decision().outcome().equals(Provenance.Decision.PROMOTED), "provenance tells the truth: " + p);
        }
        try (Stream<Path> files = Files.list(Path.of(reg, "m"))) {
            assertEquals(Set.of(".claims"), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))
                    .collect(Collectors.toSet()), "no staging directory or temporary file left");
        }
    }

    /** {@code sparkcnn retrain} in a child JVM with this JVM's classpath and Java options. */
    private Process retrain(String reg, Path data, int i) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-Djdk.reflect")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "retrain", "--registry", reg, "--name", "m", "--data", data.toString(), "--model", "simple-cnn",
                "--epochs", "1", "--partitions", "2", "--seed", String.valueOf(i), "--master", "local[1]",
                "--conf", "spark.ui.enabled=false"));
        File log = tmp.resolve("run" + i + ".log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }
}
