package dev.sparkcnn.driver.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.SparkTest;
import dev.sparkcnn.driver.config.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small training run as Spark's own tools see it: its event log and a CSV metrics sink. */
@SparkTest
class SparkObservabilityTest {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void data() {
        assertEquals(0, Main.run(new String[] {"data", "generate", "--out", tmp.resolve("data").toString(),
                "--train-files", "2", "--records-per-file", "150", "--test-records", "20"}, quiet(), System.err));
    }

    /** Trains simple-cnn for 2 epochs with K=2 on 2 partitions of local[2]; returns the model directory. */
    private static Path train(String name, String strategy, String... conf) {
        Path out = tmp.resolve(name);
        List<String> args = new ArrayList<>(List.of("train", "--data", tmp.resolve("data").toString(), "--model",
                "simple-cnn", "--strategy", strategy, "--epochs", "2", "--averaging-frequency", "2",
                "--partitions", "2", "--master", "local[2]", "--out", out.toString(), "--no-report",
                "--checkpoint-every", "0", "--conf", "spark.ui.enabled=false"));
        for (String c : conf) {
            args.add("--conf");
            args.add(c);
        }
        assertEquals(0, Main.run(args.toArray(String[]::new), quiet(), System.err));
        return out;
    }

    /** The descriptions of every job in the event logs under {@code dir}, in order. */
    private static List<String> jobDescriptions(Path dir) throws IOException {
        List<String> descriptions = new ArrayList<>();
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.toList()) {
                for (String line : Files.readAllLines(log)) {
                    JsonNode event = Json.MAPPER.readTree(line);
                    if ("SparkListenerJobStart".equals(event.path("Event").asText())) {
                        descriptions.add(event.path("Properties").path("spark.job.description").asText(""));
                    }
                }
            }
        }
        return descriptions;
    }

    private static List<String> expectedRounds(Path model, String strategy, int k) throws IOException {
        List<String> expected = new ArrayList<>();
        for (JsonNode round : Json.MAPPER.readTree(Files.readString(model.resolve("metrics.json"))).path("rounds")) {
            expected.add(JobLabels.roundDescription(strategy, round.path("round").asInt(), round.path("epoch").asInt(),
                    k));
        }
        return expected;
    }

    @Test
    void everyRoundsJobCarriesItsDescriptionInTheEventLog() throws IOException {
        for (String strategy : List.of("parameter-averaging", "allreduce-averaging")) {
            Path events = Files.createDirectories(tmp.resolve("events-" + strategy));
            Path model = train("model-" + strategy, strategy, "spark.eventLog.enabled=true",
                    "spark.eventLog.dir=" + events.toUri(), "spark.eventLog.compress=false");
            List<String> descriptions = jobDescriptions(events);
            List<String> rounds = expectedRounds(model, strategy, 2);
            assertTrue(rounds.size() >= 2, "the run had rounds: " + rounds);
            for (String round : rounds) {
                assertTrue(descriptions.contains(round), "no job described '" + round + "' in " + descriptions);
            }
            assertTrue(descriptions.contains("evaluation"), descriptions.toString());
        }
    }

    @Test
    void aCsvSinkWritesTheRoundAndHeldOutGauges() throws IOException {
        Path csv = Files.createDirectories(tmp.resolve("csv"));
        String sink = "spark.metrics.conf.*.sink.csv.";
        train("model-csv", "parameter-averaging", sink + "class=org.apache.spark.metrics.sink.CsvSink",
                sink + "period=1", sink + "unit=seconds", sink + "directory=" + csv);
        assertTrue(lastValue(csv, "imagesPerSecond") > 0, "the last reported images/s is a round's");
        // the held-out split is evaluated after each of the 2 epochs: the gauges end at the second's
        assertEquals(2, lastValue(csv, "heldOutEpoch"));
        JsonNode epochs = Json.MAPPER.readTree(Files.readString(tmp.resolve("model-csv").resolve("metrics.json")))
                .path("epochs");
        assertEquals(epochs.get(1).get("heldOutAccuracy").asDouble(), lastValue(csv, "heldOutAccuracy"), 1e-9);
        assertEquals(epochs.get(1).get("heldOutLoss").asDouble(), lastValue(csv, "heldOutLoss"), 1e-9);
    }

    /** The last value the CSV sink wrote for gauge {@code sparkcnn.<name>}. */
    private static double lastValue(Path csv, String name) throws IOException {
        Path gauge;
        try (Stream<Path> files = Files.list(csv)) {
            gauge = files.filter(p -> p.getFileName().toString().endsWith(".driver.sparkcnn." + name + ".csv"))
                    .findFirst().orElseThrow(() -> new AssertionError("no sparkcnn." + name + " CSV in " + csv));
        }
        List<String> lines = Files.readAllLines(gauge);
        assertEquals("t,value", lines.get(0));
        assertFalse(lines.size() < 2, "no rows in " + gauge);
        return Double.parseDouble(lines.get(lines.size() - 1).split(",")[1]);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
