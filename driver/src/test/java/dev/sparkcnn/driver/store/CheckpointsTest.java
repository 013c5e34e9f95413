package dev.sparkcnn.driver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.config.DataFormat;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.train.EpochStats;
import dev.sparkcnn.driver.train.KeptEpoch;
import dev.sparkcnn.driver.train.RoundStats;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint directory: round trip, keep the newest two, fall back past damaged ones. */
class CheckpointsTest {
    private final HadoopConf hadoop = new HadoopConf(new Configuration());
    @TempDir
    Path tmp;

    @Test
    void roundTripsEverythingAResumeNeedsAndKeepsTheNewestTwo() throws Exception {
        String dir = tmp.resolve("ckpt").toString();
        Files.createDirectories(tmp.resolve("ckpt/.round-000002.tmp-deadbeef")); // a killed driver's leftover
        for (int round = 1; round <= 3; round++) {
            Checkpoints.write(hadoop, dir, checkpoint(round));
        }
        assertEquals(List.of("round-000002", "round-000003"), names(), "the newest two, no temporaries");

        Checkpoints.Loaded loaded = Checkpoints.latest(hadoop, dir);
        assertEquals(List.of(), loaded.damaged());
        assertEquals(tmp.resolve("ckpt/round-000003").toString(), new org.apache.hadoop.fs.Path(loaded.path())
                .toUri().getPath());
        Checkpoint expected = checkpoint(3);
        assertEquals(expected.state(), loaded.checkpoint().state());
        assertEquals(Json.write(expected.info()), Json.write(loaded.checkpoint().info()),
                "round, epoch, spec, data, config and history read back exactly");
    }

    @Test
    void aDamagedNewestCheckpointIsSkippedNamingItAndThePreviousOneUsed() throws Exception {
        String dir = tmp.resolve("ckpt").toString();
        Checkpoints.write(hadoop, dir, checkpoint(4));
        Checkpoints.write(hadoop, dir, checkpoint(5));
        Path newest = tmp.resolve("ckpt/round-000005");

        try (RandomAccessFile f = new RandomAccessFile(newest.resolve(Checkpoints.STATE).toFile(), "rw")) {
            f.seek(40);
            int b = f.read();
            f.seek(40);
            f.write(b ^ 0x10);
        }
        assertFallsBackTo4(dir, "checksum");

        Checkpoints.write(hadoop, dir, checkpoint(5));
        Path json = newest.resolve(Checkpoints.INFO);
        String text = Files.readString(json);
        Files.writeString(json, text.substring(0, text.length() / 2));
        assertFallsBackTo4(dir, Checkpoints.INFO);

        Checkpoints.write(hadoop, dir, checkpoint(5));
        Files.delete(newest.resolve(Checkpoints.STATE));
        assertFallsBackTo4(dir, "missing");

        Files.delete(tmp.resolve("ckpt/round-000004/" + Checkpoints.INFO));
        InvalidDataException none = assertThrows(InvalidDataException.class, () -> Checkpoints.latest(hadoop, dir));
        assertTrue(none.getMessage().contains("every checkpoint is damaged"), none.getMessage());
        assertThrows(InvalidDataException.class, () -> Checkpoints.latest(hadoop, tmp.resolve("nothing").toString()));
    }

    @Test
    void theEpochsAndTheKeptEpochsStateRoundTripAndAMissingKeptStateIsDamage() throws Exception {
        String dir = tmp.resolve("ckpt").toString();
        Checkpoint plain = checkpoint(4); // 2 rounds per epoch: epochs 1 and 2 complete
        List<EpochStats> epochs = EpochStats.training(plain.info().rounds(), 2);
        epochs = List.of(epochs.get(0).withHeldOut(0.7, 0.8, 40), epochs.get(1).withHeldOut(0.9, 0.75, 40));
        KeptEpoch kept = KeptEpoch.best(epochs);
        Checkpoint.Info i = plain.info();
        ModelState keptState = new ModelState(new float[] {1f, 2f, 3f}, new float[] {0f, 0f}, 14);
        Checkpoint withKept = new Checkpoint(new Checkpoint.Info(i.formatVersion(), i.round(), i.epoch(),
                i.roundsPerEpoch(), i.totalRounds(), i.spec(), i.data(), i.config(), i.rounds(), epochs, kept),
                plain.state(), keptState);
        Checkpoints.write(hadoop, dir, withKept);

        Checkpoint back = Checkpoints.latest(hadoop, dir).checkpoint();
        assertEquals(1, back.info().kept().epoch(), "epoch 1 had the better held-out accuracy");
        assertEquals(epochs, back.info().epochs());
        assertEquals(keptState, back.kept());
        assertEquals(plain.state(), back.state());
        assertEquals(null, Checkpoints.read(hadoop, Checkpoints.write(hadoop, tmp.resolve("old").toString(), plain))
                .kept(), "a checkpoint without --keep-best has no kept state");

        Files.delete(tmp.resolve("ckpt/round-000004").resolve(Checkpoints.KEPT));
        InvalidDataException missing = assertThrows(InvalidDataException.class, () -> Checkpoints.latest(hadoop, dir));
        assertTrue(missing.getMessage().contains(Checkpoints.KEPT), missing.getMessage());
    }

    private void assertFallsBackTo4(String dir, String why) {
        Checkpoints.Loaded loaded = Checkpoints.latest(hadoop, dir);
        assertEquals(4, loaded.checkpoint().info().round());
        assertEquals(1, loaded.damaged().size());
        String warning = loaded.damaged().get(0);
        assertTrue(warning.contains("round-000005") && warning.contains(why), warning);
    }

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("ckpt"))) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    static Checkpoint checkpoint(int round) {
        DatasetSpec data = new DatasetSpec(3, 32, 32, List.of("a", "b"));
        ModelSpec spec = new ModelSpec("simple-cnn", 3, 32, 32, 2, 0.0001, 9L, "adam");
        TrainingConfig config = TrainingConfig.builder("d", "m").format(DataFormat.of("cifar10")).model("simple-cnn")
                .master("local[2]").epochs(3).batchSize(16).averagingFrequency(2).seed(9L).checkpointEvery(1)
                .initFrom("models/old").lrFactor(0.1).build();
        List<RoundStats> rounds = new ArrayList<>();
        for (int r = 1; r <= round; r++) {
            rounds.add(new RoundStats(r, (r + 1) / 2, 2.0 / r, 64, 0.5, 128, r % 2 == 0 ? 0.5 : null, null));
        }
        ModelState state = new ModelState(new float[] {round, -1.25f, 3e-7f}, new float[] {0.5f, round * 2f}, round * 7L);
        return new Checkpoint(new Checkpoint.Info(Checkpoints.FORMAT_VERSION, round, (round + 1) / 2, 2, 6, spec, data,
                config, rounds), state);
    }
}
