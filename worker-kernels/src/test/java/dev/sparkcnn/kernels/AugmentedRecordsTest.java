package dev.sparkcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sparkcnn.datasets.Augmentation;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class AugmentedRecordsTest {
    private static final ModelSpec SPEC = new ModelSpec("simple-cnn", 3, 8, 8, 3, 1e-3, 1);
    private static final Augmentation ALL = Augmentation.parse("flip,crop,rotate");

    private static List<Batch> batches(List<ImageRecord> records, Augmentation aug, long seed, int epoch,
                                       int partition, long first) {
        List<Batch> out = new ArrayList<>();
        new BatchIterator(AugmentedRecords.of(records.iterator(), aug, SPEC, seed, epoch, partition, first), 4, SPEC,
                Normalization.unit(3)).forEachRemaining(out::add);
        return out;
    }

    @Test
    void sameSeedGivesTheSameAugmentedBatchesAnotherEpochOthers() {
        List<ImageRecord> records = TestImages.random(10, 3 * 8 * 8, 3, 2);
        List<ImageRecord> copy = records.stream().map(r -> new ImageRecord(r.label(), r.pixels().clone())).toList();
        List<Batch> a = batches(records, ALL, 42, 1, 0, 0);
        List<Batch> b = batches(records, ALL, 42, 1, 0, 0);
        assertEquals(3, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).features(), b.get(i).features(), 0f, "batch " + i);
            assertArrayEquals(a.get(i).labels(), b.get(i).labels());
        }
        List<Batch> nextEpoch = batches(records, ALL, 42, 2, 0, 0);
        assertFalse(Arrays.equals(a.get(0).features(), nextEpoch.get(0).features()));
        assertArrayEquals(a.get(0).labels(), nextEpoch.get(0).labels(), "labels never change");
        List<Batch> plain = batches(records, Augmentation.NONE, 42, 1, 0, 0);
        assertFalse(Arrays.equals(a.get(0).features(), plain.get(0).features()));
        for (int i = 0; i < records.size(); i++) {
            assertArrayEquals(copy.get(i).pixels(), records.get(i).pixels(), "cached record " + i + " untouched");
        }
    }

    @Test
    void aRecordsTransformDependsOnItsPositionNotOnWhereTheIteratorStarted() {
        List<ImageRecord> records = TestImages.random(8, 3 * 8 * 8, 3, 3);
        List<Batch> whole = batches(records, ALL, 7, 0, 1, 0);
        List<Batch> secondHalf = batches(records.subList(4, 8), ALL, 7, 0, 1, 4);
        assertArrayEquals(whole.get(1).features(), secondHalf.get(0).features(), 0f);
    }

    @Test
    void noAugmentationIsTheRecordsThemselves() {
        Iterator<ImageRecord> it = TestImages.random(2, 3 * 8 * 8, 3, 4).iterator();
        assertSame(it, AugmentedRecords.of(it, Augmentation.NONE, SPEC, 1, 0, 0, 0));
    }
}
