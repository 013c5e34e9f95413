package dev.sparkcnn.driver.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.DataSettings;
import dev.sparkcnn.driver.config.RunSettings;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.data.TestRecords;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.predict.Pictures;
import dev.sparkcnn.driver.predict.Prediction;
import dev.sparkcnn.driver.predict.PredictionPicture;
import dev.sparkcnn.driver.predict.Predictor;
import dev.sparkcnn.driver.predict.TileGrid;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code sparkcnn predict}: a stored model's top classes for image files and for test records of a
 * dataset, in this process (no Spark). Every input is read and checked before the network is built,
 * so a bad file fails in milliseconds with its name.
 */
public final class PredictJob {

    /**
     * What to predict.
     *
     * @param images  PNG/JPEG files (paths or Hadoop URIs)
     * @param data    dataset for {@code indices}/{@code random}; null = the model's own
     * @param indices test records by position (see {@link TestRecords})
     * @param random  how many random test records to add
     * @param seed    seed of the random choice; null = a different choice every run
     * @param topK    classes printed per input
     * @param show    where to write the pictures with their predictions, or null
     */
    public record Request(String modelDir, List<String> images, String data, List<Long> indices, int random,
                          Long seed, int topK, Path show) {
    }

    /** One input's name and its pixels (with the true label when it is a record). */
    private record Input(String name, byte[] pixels, int trueLabel) {
    }

    private final Request request;
    private final PrintWriter out;

    public PredictJob(Request request, PrintWriter out) {
        this.request = request;
        this.out = out;
    }

    /** Predicts, prints and (with --show) draws; returns the predictions in input order. */
    public List<Prediction> run() {
        if (request.images().isEmpty() && request.indices().isEmpty() && request.random() == 0) {
            throw new ConfigException("nothing to predict: give image files, --index N or --random");
        }
        if (request.topK() < 1) {
            throw new ConfigException("--top-k must be at least 1, got " + request.topK());
        }
        if (request.random() < 0) {
            throw new ConfigException("--random must be at least 0, got " + request.random());
        }
        if (request.show() != null) {
            Pictures.checkWritable(request.show(), "--show");
        }
        HadoopConf hadoop = new HadoopConf(new Configuration());
        SavedModel model = ModelDirectory.read(hadoop, request.modelDir());
        ModelSpec spec = model.spec();
        List<Input> inputs = new ArrayList<>();
        for (String file : request.images()) {
            inputs.add(new Input(file, decode(hadoop, file, spec), -1));
        }
        if (!request.indices().isEmpty() || request.random() > 0) {
            inputs.addAll(records(hadoop, model));
        }
        List<Prediction> predictions;
        try (Predictor predictor = new Predictor(model)) {
            predictions = predictor.predict(inputs.stream().map(Input::pixels).toList(),
                    inputs.stream().mapToInt(Input::trueLabel).toArray());
        }
        List<String> names = model.data().classNames();
        int k = Math.min(request.topK(), spec.numClasses());
        for (int i = 0; i < inputs.size(); i++) {
            print(inputs.get(i), predictions.get(i), names, k);
        }
        if (request.show() != null) {
            show(inputs, predictions, model);
        }
        return predictions;
    }

    private static byte[] decode(HadoopConf hadoop, String file, ModelSpec spec) {
        try (InputStream in = hadoop.open(file)) {
            return Pictures.decode(in, file, spec.channels(), spec.height(), spec.width());
        } catch (FileNotFoundException e) {
            throw new ConfigException(file + ": no such image file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private List<Input> records(HadoopConf hadoop, SavedModel model) {
        JsonNode config = ModelDirectory.readConfig(hadoop, request.modelDir());
        String data = request.data() != null ? request.data() : config.path("data").asText(null);
        if (data == null) {
            throw new ConfigException("--data is required: the model's config.json does not name its data");
        }
        String format = request.data() != null ? null : config.path("format").asText(null);
        LocatedDataset dataset = new DatasetLocator(hadoop).locate(data, format);
        EvaluateJob.checkCompatible(model.data(), dataset.spec(), data);
        TestRecords test = new TestRecords(hadoop, dataset,
                    config.path("partitions").asInt(RunSettings.DEFAULT_PARTITIONS),
                config.path("testFraction").asDouble(DataSettings.DEFAULT_TEST_FRACTION),
                config.path("seed").asLong(RunSettings.DEFAULT_SEED));
        List<Long> positions = new ArrayList<>(request.indices());
        if (request.random() > 0) {
            long count = test.count();
            Random rnd = request.seed() != null ? new Random(request.seed()) : new Random();
            for (int i = 0; i < request.random(); i++) {
                positions.add((long) (rnd.nextDouble() * count));
            }
        }
        List<Input> out = new ArrayList<>();
        for (long index : positions) {
            ImageRecord r = test.at(index, "--index");
            out.add(new Input(data + " test record " + index + " (" + test.source() + ")", r.pixels(), r.label()));
        }
        return out;
    }

    private void print(Input input, Prediction p, List<String> names, int k) {
        out.println(input.name() + (p.knowsTruth() ? ": true class " + PredictionPicture.name(names, p.trueLabel())
                + (p.misclassified() ? " (misclassified)" : "") : ""));
        int rank = 1;
        for (Prediction.Ranked r : p.top(k)) {
            out.printf(Locale.ROOT, "  %d. %-16s %.4f%n", rank++, PredictionPicture.name(names, r.label()),
                    r.probability());
        }
    }

    private void show(List<Input> inputs, List<Prediction> predictions, SavedModel model) {
        ModelSpec spec = model.spec();
        int side = Math.max(192, spec.height() * Math.max(1, 192 / spec.height()));
        List<BufferedImage> tiles = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            BufferedImage image = Pictures.toImage(inputs.get(i).pixels(), spec.channels(), spec.height(),
                    spec.width());
            tiles.add(PredictionPicture.render(image, side, predictions.get(i), model.data().classNames()));
        }
        Pictures.writePng(TileGrid.compose(tiles, 4), request.show(), "--show");
        out.println("picture written to " + request.show());
    }
}
