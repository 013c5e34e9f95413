package dev.sparkcnn.driver.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.SparkTest;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.AllReduceAveragingSettings;
import dev.sparkcnn.driver.config.GradientSharingSettings;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.config.ParameterAveragingSettings;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.store.Checkpoint;
import dev.sparkcnn.driver.store.Checkpoints;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.train.EpochStats;
import dev.sparkcnn.driver.train.KeptEpoch;
import dev.sparkcnn.driver.train.RoundStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The held-out split evaluated after every epoch, for each strategy, through {@code train}: one
 * entry per epoch in {@code metrics.json}, the last one being the figures of the model written;
 * {@code --validate-every} skips epochs; {@code --keep-best} writes the best epoch's state and
 * carries it, with the epochs, through checkpoints and {@code --resume}.
 */
@SparkTest
class EpochValidationSparkTest {
    private static final HadoopConf HADOOP = new HadoopConf(new Configuration());
    @TempDir
    static Path tmp;
    private static Path data;

    @BeforeAll
    static void data() {
        // 2 x 100 records, 2 partitions: 80 training and 20 held-out records each
        data = TestData.cifar(tmp.resolve("data"), 2, 100, 20);
    }

    @Test
    void parameterAveragingRecordsEveryEpoch() throws Exception {
        assertEveryEpochValidated(train("pa", ParameterAveragingSettings.NAME, 2), 2);
    }

    @Test
    void allReduceAveragingRecordsEveryEpoch() throws Exception {
        assertEveryEpochValidated(train("ar", AllReduceAveragingSettings.NAME, 2), 2);
    }

    @Test
    void gradientSharingRecordsEveryEpochAndValidateEverySkipsEpochs() throws Exception {
        assertEveryEpochValidated(train("gs", GradientSharingSettings.NAME, 2), 2);

        Metrics every2 = train("gs2", GradientSharingSettings.NAME, 3, "--validate-every", "2");
        List<EpochStats> epochs = every2.epochs();
        assertEquals(3, epochs.size());
        assertFalse(epochs.get(0).validated(), "epoch 1 is not a multiple of 2");
        assertTrue(epochs.get(1).validated() && epochs.get(2).validated(), "epoch 2, and the last");
        assertTrue(epochs.get(0).loss() > 0, "training figures of every epoch");
    }

    @Test
    void keepBestWritesTheBestEpochAndAResumeKeepsItAndTheEpochs() throws Exception {
        Metrics whole = train("best", ParameterAveragingSettings.NAME, 3, "--keep-best");
        KeptEpoch kept = whole.keptEpoch();
        assertNotNull(kept);
        assertEquals(KeptEpoch.best(whole.epochs()), kept, "the highest held-out accuracy, earliest of equals");
        EpochStats best = whole.epochs().get(kept.epoch() - 1);
        assertEquals(best.heldOutAccuracy(), whole.testAccuracy(), "the model written is the kept epoch's");
        assertEquals(best.heldOutLoss(), whole.testLoss(), 1e-9);
        Path model = tmp.resolve("best");
        String checkpoints = model + ".checkpoints";
        Checkpoint last = Checkpoints.latest(HADOOP, checkpoints).checkpoint();
        assertEquals(kept, last.info().kept());
        assertEquals(ModelDirectory.read(HADOOP, model.toString()).state(), last.kept(),
                "the checkpoint holds the kept state");

        // a resume after the last round trains nothing: the model is the kept state the checkpoint carried
        Metrics done = resume(checkpoints, "best-again");
        assertEquals(ModelDirectory.read(HADOOP, model.toString()).state(),
                ModelDirectory.read(HADOOP, tmp.resolve("best-again").toString()).state());
        assertEquals(whole.epochs(), done.epochs());
        assertEquals(kept, done.keptEpoch());

        // a resume after epoch 2 redoes epoch 3 and ends with the same epochs and the same choice
        Path newest = Path.of(new org.apache.hadoop.fs.Path(Checkpoints.latest(HADOOP, checkpoints).path()).toUri()
                .getPath());
        assertTrue(FileUtil.fullyDelete(newest.toFile()));
        Metrics resumed = resume(checkpoints, "best-resumed");
        assertEquals(3, resumed.epochs().size());
        for (int i = 0; i < 3; i++) {
            EpochStats a = whole.epochs().get(i);
            EpochStats b = resumed.epochs().get(i);
            assertEquals(a.heldOutExamples(), b.heldOutExamples());
            assertEquals(a.heldOutAccuracy(), b.heldOutAccuracy(), 1e-9, "epoch " + (i + 1));
            assertEquals(a.heldOutLoss(), b.heldOutLoss(), 1e-4, "epoch " + (i + 1));
        }
        assertEquals(kept.epoch(), resumed.keptEpoch().epoch());
    }

    private static void assertEveryEpochValidated(Metrics m, int epochs) {
        assertEquals(epochs, m.epochs().size());
        for (int e = 1; e <= epochs; e++) {
            EpochStats s = m.epochs().get(e - 1);
            int epoch = e;
            List<RoundStats> rounds = m.rounds().stream().filter(r -> r.epoch() == epoch).toList();
            assertEquals(e, s.epoch());
            assertEquals(rounds.get(rounds.size() - 1).round(), s.round(), "the epoch's last round");
            assertEquals(rounds.stream().mapToLong(RoundStats::examples).sum(), s.examples());
            assertTrue(s.validated(), "epoch " + e);
            assertEquals(m.testExamples(), s.heldOutExamples(), "the whole held-out split");
            assertTrue(s.heldOutAccuracy() >= 0 && s.heldOutAccuracy() <= 1 && s.heldOutLoss() > 0);
        }
        EpochStats last = m.epochs().get(epochs - 1);
        assertEquals(last.heldOutAccuracy(), m.testAccuracy(), "without --keep-best the model is the last epoch's");
        assertEquals(last.heldOutLoss(), m.testLoss(), 1e-9);
        assertNull(m.keptEpoch());
        assertTrue(m.validationSeconds() > 0);
    }

    private static Metrics train(String out, String strategy, int epochs, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--model", "simple-cnn",
                "--strategy", strategy, "--epochs", String.valueOf(epochs), "--batch-size", "16",
                "--averaging-frequency", "2", "--partitions", "2", "--master", "local[2]", "--learning-rate", "0.01",
                "--no-report", "--out", tmp.resolve(out).toString(), "--conf", "spark.ui.enabled=false"));
        args.addAll(Arrays.asList(more));
        return run(out, args);
    }

    private static Metrics resume(String checkpoints, String out) throws Exception {
        return run(out, List.of("train", "--resume", checkpoints, "--out", tmp.resolve(out).toString(), "--no-report",
                "--conf", "spark.ui.enabled=false"));
    }

    private static Metrics run(String out, List<String> args) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(new String[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        Path metrics = tmp.resolve(out).resolve(ModelDirectory.METRICS);
        return Json.read(Files.readString(metrics), Metrics.class, metrics.toString());
    }
}
