package dev.sparkcnn.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --keep-best}'s choice over sequences of epochs, and the training figures of an epoch. */
class KeptEpochTest {

    @Test
    void aLastEpochThatIsWorseLeavesTheBestEarlierOneKept() {
        KeptEpoch kept = KeptEpoch.best(epochs(0.60, 0.72, 0.81, 0.77));
        assertEquals(3, kept.epoch());
        assertEquals(0.81, kept.heldOutAccuracy());
        assertEquals(30, kept.round(), "the epoch's last round");
    }

    @Test
    void ofEqualAccuraciesTheEarliestEpochIsKept() {
        assertEquals(2, KeptEpoch.best(epochs(0.5, 0.8, 0.8, 0.8)).epoch());
        assertEquals(4, KeptEpoch.best(epochs(0.5, 0.8, 0.8, 0.80001)).epoch(), "a strictly better later epoch wins");
    }

    @Test
    void epochsNotEvaluatedAreNeverKept() {
        List<EpochStats> epochs = new ArrayList<>(epochs(0.5, 0.9, 0.7));
        epochs.set(1, training(2, 0.9)); // not evaluated: --validate-every skipped it
        assertEquals(3, KeptEpoch.best(epochs).epoch());
        assertNull(KeptEpoch.best(List.of(training(1, 0.5), training(2, 0.6))));
        assertThrows(IllegalArgumentException.class, () -> KeptEpoch.of(training(1, 0.5)));
    }

    @Test
    void anEpochsTrainingFiguresAreWeightedByItsRoundsExamples() {
        List<RoundStats> rounds = List.of(new RoundStats(4, 2, 1.0, 100, 1, 100, 0.5, null),
                new RoundStats(5, 2, 2.0, 300, 1, 300, 0.9, null));
        EpochStats e = EpochStats.training(2, rounds);
        assertEquals(2, e.epoch());
        assertEquals(5, e.round());
        assertEquals(400, e.examples());
        assertEquals((1.0 * 100 + 2.0 * 300) / 400, e.loss(), 1e-12);
        assertEquals((0.5 * 100 + 0.9 * 300) / 400, e.accuracy(), 1e-12);
        assertNull(e.heldOutAccuracy());

        List<RoundStats> unmeasured = List.of(rounds.get(0), new RoundStats(5, 2, 2.0, 300, 1, 300, null, null));
        assertNull(EpochStats.training(2, unmeasured).accuracy(), "one round without accuracy: none for the epoch");
        assertThrows(IllegalArgumentException.class, () -> EpochStats.training(1, rounds), "rounds of epoch 2");
    }

    @Test
    void aHistoryIsCutIntoItsCompletedEpochs() {
        List<RoundStats> history = new ArrayList<>();
        for (int r = 1; r <= 7; r++) {
            history.add(new RoundStats(r, (r - 1) / 3 + 1, r, 10, 1, 10, null, null));
        }
        List<EpochStats> epochs = EpochStats.training(history, 3);
        assertEquals(2, epochs.size(), "round 7 starts an epoch that is not complete");
        assertEquals(List.of(3, 6), epochs.stream().map(EpochStats::round).toList());
        assertEquals(2.0, epochs.get(0).loss(), 1e-12);
    }

    /** Evaluated epochs 1..n with these held-out accuracies, 10 rounds each. */
    private static List<EpochStats> epochs(double... heldOut) {
        List<EpochStats> out = new ArrayList<>();
        for (int i = 0; i < heldOut.length; i++) {
            out.add(training(i + 1, 0.5).withHeldOut(1 - heldOut[i], heldOut[i], 100));
        }
        return out;
    }

    private static EpochStats training(int epoch, double accuracy) {
        return new EpochStats(epoch, epoch * 10, 1.0, accuracy, 1000, null, null, null);
    }
}
