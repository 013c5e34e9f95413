package dev.sparkcnn.kernels;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.Random;

/**
 * Run by {@link FastPathTest} in a child JVM with {@code DNNL_VERBOSE=1}: one training step of
 * cifar-cnn on the given engine, so that oneDNN (if it runs) prints its execution lines.
 */
public final class FastPathProbe {
    private FastPathProbe() {
    }

    public static void main(String[] args) {
        String engine = args[0];
        ModelSpec spec = ModelSpec.of("cifar-cnn", new DatasetSpec(3, 32, 32, DatasetSpec.numberedClasses(10)), null,
                1);
        int n = 8;
        float[] x = new float[n * spec.imageSize()];
        int[] y = new int[n];
        Random rnd = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat();
        }
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(10);
        }
        try (Network net = NetworkFactory.create(spec, engine)) {
            net.load(net.initialState());
            net.fit(new Batch(x, y, n));
        }
        System.out.println("probe-done classifier=" + NativeRuntime.nativeClassifier() + " onednn="
                + NativeRuntime.hasOneDnn());
        System.out.flush();
    }
}
