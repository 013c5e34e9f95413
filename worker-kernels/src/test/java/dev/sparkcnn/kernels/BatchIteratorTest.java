package dev.sparkcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class BatchIteratorTest {

    private static final ModelSpec SPEC = new ModelSpec("simple-cnn", 2, 4, 4, 3, 1e-3, 1); // 32 bytes per image

    @Test
    void groupsRecordsAndEmitsTheLastPartialBatch() {
        List<ImageRecord> records = TestImages.random(10, 32, 3, 1);
        BatchIterator it = new BatchIterator(records.iterator(), 4, SPEC, Normalization.unit(2));
        List<Batch> batches = new ArrayList<>();
        it.forEachRemaining(batches::add);
        assertEquals(List.of(4, 4, 2), batches.stream().map(Batch::size).toList());
        assertEquals(2 * 32, batches.get(2).features().length);
        assertEquals(2, batches.get(2).labels().length);
        assertEquals(records.get(9).label(), batches.get(2).labels()[1]);
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void convertsPixelsWithTheNormalization() {
        byte[] pixels = new byte[32];
        pixels[0] = (byte) 255;  // channel 0
        pixels[1] = (byte) 51;   // channel 0
        pixels[16] = (byte) 204; // channel 1
        Normalization norm = new Normalization(new float[]{0.5f, 0.2f}, new float[]{0.5f, 0.4f});
        Batch batch = new BatchIterator(List.of(new ImageRecord(2, new byte[32]), new ImageRecord(1, pixels))
                .iterator(), 8, SPEC, norm).next();
        assertEquals(2, batch.size());
        float[] f = batch.features();
        assertEquals((0 / 255f - 0.5f) / 0.5f, f[0], 1e-6);     // first image, channel 0
        assertEquals((0 / 255f - 0.2f) / 0.4f, f[16], 1e-6);    // first image, channel 1
        assertEquals((255 / 255f - 0.5f) / 0.5f, f[32], 1e-6);  // second image starts at 32
        assertEquals((51 / 255f - 0.5f) / 0.5f, f[33], 1e-6);
        assertEquals((204 / 255f - 0.2f) / 0.4f, f[48], 1e-6);
        assertEquals((0 / 255f - 0.2f) / 0.4f, f[49], 1e-6);
        assertEquals(1, batch.labels()[1]);
    }

    @Test
    void rejectsAWrongPixelCountNamingTheRecord() {
        List<ImageRecord> records = List.of(new ImageRecord(0, new byte[32]), new ImageRecord(0, new byte[28 * 28]));
        BatchIterator it = new BatchIterator(records.iterator(), 8, SPEC, Normalization.unit(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, it::next);
        assertEquals("record 1 has 784 pixel bytes but model 'simple-cnn' expects 2x4x4 = 32; the dataset's image"
                + " shape does not match the model spec", e.getMessage());
    }

    @Test
    void rejectsALabelOutsideTheModelsClasses() {
        BatchIterator it = new BatchIterator(List.of(new ImageRecord(3, new byte[32])).iterator(), 8, SPEC,
                Normalization.unit(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, it::next);
        assertTrue(e.getMessage().contains("label 3") && e.getMessage().contains("3 classes"), e.getMessage());
    }

    @Test
    void rejectsBadArguments() {
        List<ImageRecord> none = List.of();
        assertThrows(IllegalArgumentException.class,
                () -> new BatchIterator(none.iterator(), 0, SPEC, Normalization.unit(2)));
        assertThrows(IllegalArgumentException.class,
                () -> new BatchIterator(none.iterator(), 4, SPEC, Normalization.unit(3)));
        assertThrows(IllegalArgumentException.class, () -> new Batch(new float[10], new int[3], 3));
    }
}
