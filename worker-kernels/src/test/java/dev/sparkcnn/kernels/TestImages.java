package dev.sparkcnn.kernels;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small seeded image sets for tests. */
public final class TestImages {

    private TestImages() {
    }

    /** Uniform random pixels and labels. */
    public static List<ImageRecord> random(int count, int imageSize, int numClasses, long seed) {
        Random random = new Random(seed);
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[imageSize];
            random.nextBytes(pixels);
            records.add(new ImageRecord(random.nextInt(numClasses), pixels));
        }
        return records;
    }

    /** Two learnable classes: label 0 dark (pixels 0..99), label 1 bright (156..255), alternating. */
    public static List<ImageRecord> darkVsBright(int count, int imageSize, long seed) {
        Random random = new Random(seed);
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int label = i % 2;
            byte[] pixels = new byte[imageSize];
            for (int p = 0; p < imageSize; p++) {
                pixels[p] = (byte) (label * 156 + random.nextInt(100));
            }
            records.add(new ImageRecord(label, pixels));
        }
        return records;
    }

    /** All records as batches for the spec, normalized with the model's default normalization. */
    public static List<Batch> batches(List<ImageRecord> records, int batchSize, ModelSpec spec) {
        Normalization norm = ModelCatalogue.defaults(spec.model()).normalization(spec.channels());
        List<Batch> batches = new ArrayList<>();
        new BatchIterator(records.iterator(), batchSize, spec, norm).forEachRemaining(batches::add);
        return batches;
    }
}
