package dev.sparkcnn.driver.registry;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 1 of issue 8 through the command line on local[2]: a weak champion, a crash while
 * promoting a better challenger, the better challenger promoted, a challenger kept out by the
 * margin, and the models commands on the result.
 */
@SparkTest
class RetrainSparkTest {
    @TempDir
    Path tmp;

    @AfterEach
    void resetHook() {
        ChampionHistory.beforePublish = () -> { };
    }

    @Test
    void betterChallengersArePromotedWorseOnesKeptOutAndACrashedPromotionChangesNothing() throws Exception {
        Path data = TestData.cifar(tmp.resolve("data"), 2, 100, 20);
        String reg = tmp.resolve("reg").toString();
        ModelRegistry registry = new ModelRegistry(new HadoopConf(new Configuration()), reg, "m");

        // v1: no champion yet, so promoted however weak (a learning rate too small to learn anything)
        assertEquals(0, retrain(reg, data, "--model", "mnist-cnn", "--learning-rate", "0.00001", "--epochs", "1",
                "--batch-size", "16"));
        assertEquals(1, registry.champion().version());
        Provenance v1 = registry.provenance(1);
        assertEquals(Provenance.FROM_SCRATCH, v1.mode());
        assertNull(v1.decision().championAccuracy());
        assertEquals(3, v1.data().files().size());
        double v1Accuracy = testAccuracy(reg, 1);

        // a crash between writing the new champion entry and publishing it: exit 1, v1 stays champion
        ChampionHistory.beforePublish = () -> {
            throw new IllegalStateException("injected crash during promotion");
        };
        assertEquals(1, retrain(reg, data, "--learning-rate", "0.001", "--epochs", "3"));
        ChampionHistory.beforePublish = () -> { };
        assertEquals(1, registry.champion().version());
        assertEquals(List.of(1), registry.versions(), "the crashed run left no version");
        assertEquals(Set.of(), hidden(reg), "and no staging directory");

        // v3: the champion continued with a learning rate that learns; compared on the same split
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(0, retrain(log, reg, data, "--learning-rate", "0.001", "--epochs", "3"));
        assertEquals(3, registry.champion().version());
        Provenance v3 = registry.provenance(3);
        assertEquals(Provenance.WARM_START, v3.mode());
        assertEquals(1, v3.parentVersion());
        assertEquals(Provenance.Decision.PROMOTED, v3.decision().outcome());
        assertEquals(v1Accuracy, v3.decision().championAccuracy(), 0.0,
                "the champion evaluated on the challenger's split scores what its own run measured: same split");
        assertEquals(testAccuracy(reg, 3), v3.decision().challengerAccuracy(), 0.0);
        assertTrue(v3.decision().challengerAccuracy() >= v1Accuracy + 0.005, v3.decision().reason());
        assertEquals(v1.data(), v3.data(), "same data, same fingerprint");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("challenger v3"), log.toString(StandardCharsets.UTF_8));

        // v4: lower the learning rate and continue, but a margin no model can clear: kept out, exit 3
        assertEquals(3, retrain(reg, data, "--lr-factor", "0.1", "--margin", "0.99", "--epochs", "1"));
        assertEquals(3, registry.champion().version());
        Provenance v4 = registry.provenance(4);
        assertEquals(Provenance.Decision.KEPT, v4.decision().outcome());
        assertEquals(3, v4.decision().championVersion());
        assertEquals(v3.decision().challengerAccuracy(), v4.decision().championAccuracy(), 0.0);
        assertEquals(0.001, v4.baseLearningRate(), 1e-12, "the base rate of the champion's line");
        assertEquals(0.0001, v4.learningRate(), 1e-12, "times --lr-factor");
        assertEquals(0.0001, Json.MAPPER.readTree(Path.of(reg, "m", "v4", "config.json").toFile())
                .get("learningRate").asDouble(), 1e-12, "the challenger really trained with it");
        assertEquals(Set.of("model.json", "state.bin", "config.json", "metrics.json", "provenance.json"),
                files(Path.of(reg, "m", "v4")));

        String list = run("models", "list", "--registry", reg, "--name", "m");
        assertTrue(list.contains("* v3"), list);
        assertTrue(list.lines().anyMatch(l -> l.contains("v4") && l.contains("kept")), list);
        String show = run("models", "show", "--registry", reg, "--name", "m", "v4");
        assertTrue(show.contains("\"outcome\" : \"kept\"") && show.startsWith("m v4: "), show);
        assertTrue(run("models", "rollback", "--registry", reg, "--name", "m").contains("now v1"));
        assertEquals(1, registry.champion().version());
        assertTrue(run("models", "promote", "--registry", reg, "--name", "m", "v4").contains("now v4"));
        assertEquals(4, registry.champion().version());

        // a warm start cannot change the network: a usage error before anything is claimed or trained
        assertEquals(2, retrain(reg, data, "--model", "cifar-cnn"));
        assertEquals(List.of(1, 3, 4), registry.versions());
        assertEquals(Set.of("v1", "v2", "v3", "v4"), files(Path.of(reg, "m", ".claims")));
    }

    @Test
    void aWarmRetrainContinuesANetworkDefinedInAFileAndRefusesAnotherOne() throws Exception {
        Path data = TestData.cifar(tmp.resolve("data"), 2, 100, 20);
        String reg = tmp.resolve("reg").toString();
        ModelRegistry registry = new ModelRegistry(new HadoopConf(new Configuration()), reg, "m");
        String layers = """
                {"name": "mine", "layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "activation": "relu"},
                  {"type": "maxpool", "size": 2}, {"type": "batchnorm"}, {"type": "flatten"},
                  {"type": "dense", "units": "classes", "activation": "softmax"}]}
                """;
        Path file = tmp.resolve("mine.json");
        Files.writeString(file, layers);
        assertEquals(0, retrain(reg, data, "--model", file.toString(), "--epochs", "1", "--batch-size", "16"));
        // the same network from another path: a warm start (the champion's stored name is the definition's)
        Path copy = tmp.resolve("copy-of-mine.json");
        Files.writeString(copy, layers);
        assertEquals(0, retrain(reg, data, "--model", copy.toString(), "--epochs", "1", "--batch-size", "16"));
        assertEquals(Provenance.WARM_START, registry.provenance(2).mode());
        Path other = tmp.resolve("other.json");
        Files.writeString(other, layers.replace("\"filters\": 4", "\"filters\": 6"));
        assertEquals(2, retrain(reg, data, "--model", other.toString(), "--epochs", "1", "--batch-size", "16"));
    }

    private static int retrain(String reg, Path data, String... options) {
        return retrain(new ByteArrayOutputStream(), reg, data, options);
    }

    private static int retrain(ByteArrayOutputStream out, String reg, Path data, String... options) {
        List<String> args = new ArrayList<>(List.of("retrain", "--registry", reg, "--name", "m", "--data",
                data.toString(), "--partitions", "2", "--master", "local[2]", "--conf", "spark.ui.enabled=false"));
        args.addAll(List.of(options));
        return Main.run(args.toArray(String[]::new), new PrintStream(out, true), System.err);
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.run(args, new PrintStream(out, true), System.err));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static double testAccuracy(String reg, int v) throws Exception {
        JsonNode metrics = Json.MAPPER.readTree(Path.of(reg, "m", "v" + v, "metrics.json").toFile());
        return metrics.get("testAccuracy").asDouble();
    }

    private static Set<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static Set<String> hidden(String reg) throws Exception {
        Set<String> names = files(Path.of(reg, "m"));
        names.removeIf(n -> !n.startsWith(".") || n.equals(".claims"));
        return names;
    }
}
