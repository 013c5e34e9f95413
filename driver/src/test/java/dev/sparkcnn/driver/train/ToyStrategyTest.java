package dev.sparkcnn.driver.train;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.config.StrategyRegistry;
import dev.sparkcnn.driver.config.TrainingConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A strategy is one class ({@link EpochAveraging}) plus one registration line: after it, {@code train
 * --strategy epoch-averaging} trains with it end to end, and its {@code config.json} reads back.
 */
@SparkTest
class ToyStrategyTest {
    static {
        Strategies.register(EpochAveraging.NAME, EpochAveraging.class, fields -> new EpochAveraging(), s -> s);
    }

    @TempDir
    Path tmp;

    @Test
    void aRegisteredStrategyTrainsFromTheCommandLine() throws Exception {
        assertTrue(StrategyRegistry.names().contains(EpochAveraging.NAME), StrategyRegistry.names().toString());
        Path data = TestData.cifar(tmp.resolve("data"), 2, 100, 20);
        Path out = tmp.resolve("model");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"train", "--data", data.toString(), "--model", "simple-cnn",
                "--strategy", EpochAveraging.NAME, "--epochs", "2", "--batch-size", "8", "--partitions", "2",
                "--master", "local[2]", "--out", out.toString(), "--no-report", "--conf", "spark.ui.enabled=false"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));

        TrainingConfig config = Json.read(Files.readString(out.resolve("config.json")), TrainingConfig.class, "t");
        assertEquals(new EpochAveraging(), config.strategy());
        JsonNode metrics = Json.MAPPER.readTree(out.resolve("metrics.json").toFile());
        // about 80 training records per partition in batches of 8: parameter averaging every 5 steps
        // (the default K) would take two rounds per epoch; one-shot averaging takes exactly one
        JsonNode rounds = metrics.get("rounds");
        assertEquals(2, rounds.size(), rounds.toString());
        long perEpoch = rounds.get(0).get("examples").asLong();
        assertTrue(perEpoch > 120, "the round saw every training record of both partitions: " + perEpoch);
        assertEquals(perEpoch, rounds.get(1).get("examples").asLong());
    }
}
