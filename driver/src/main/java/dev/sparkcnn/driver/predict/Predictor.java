package dev.sparkcnn.driver.predict;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stored model answering for a few images in this process, without Spark: pixels are scaled
 * with the model's own normalization, exactly as training and evaluation batches are. Holds a
 * network's native memory until {@link #close()}.
 */
public final class Predictor implements AutoCloseable {
    private static final int BATCH = 64;

    private final SavedModel model;
    private final Network network;

    public Predictor(SavedModel model) {
        NativeRuntime.configureThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
        this.model = model;
        this.network = NetworkFactory.create(model.spec(), model.engine());
        network.load(model.state());
    }

    public SavedModel model() {
        return model;
    }

    /** One prediction per record, in order; the records' labels become the known true labels. */
    public List<Prediction> predict(List<ImageRecord> records) {
        return predict(records.stream().map(ImageRecord::pixels).toList(),
                records.stream().mapToInt(ImageRecord::label).toArray());
    }

    /**
     * One prediction per CHW uint8 image of the model's input shape.
     *
     * @param trueLabels a label per image, -1 where unknown
     */
    public List<Prediction> predict(List<byte[]> images, int[] trueLabels) {
        int size = model.spec().imageSize();
        int classes = model.spec().numClasses();
        List<Prediction> out = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += BATCH) {
            int n = Math.min(BATCH, images.size() - from);
            float[] features = new float[n * size];
            for (int i = 0; i < n; i++) {
                byte[] pixels = images.get(from + i);
                if (pixels.length != size) {
                    throw new IllegalArgumentException("image of " + pixels.length + " bytes given to a model of "
                            + model.spec().channels() + "x" + model.spec().height() + "x" + model.spec().width());
                }
                model.normalization().apply(pixels, features, i * size);
            }
            // labels only matter for the loss, which prediction does not compute
            float[] p = network.predict(new Batch(features, new int[n], n));
            for (int i = 0; i < n; i++) {
                out.add(new Prediction(Arrays.copyOfRange(p, i * classes, (i + 1) * classes), trueLabels[from + i]));
            }
        }
        return out;
    }

    @Override
    public void close() {
        network.close();
    }
}
