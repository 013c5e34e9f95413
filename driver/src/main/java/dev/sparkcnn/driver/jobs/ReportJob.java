package dev.sparkcnn.driver.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.config.DataSettings;
import dev.sparkcnn.driver.config.FlatConfig;
import dev.sparkcnn.driver.config.RunSettings;
import dev.sparkcnn.driver.config.StrategySettings;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.data.TestRecords;
import dev.sparkcnn.driver.predict.Pictures;
import dev.sparkcnn.driver.predict.Prediction;
import dev.sparkcnn.driver.predict.PredictionPicture;
import dev.sparkcnn.driver.predict.Predictor;
import dev.sparkcnn.driver.predict.TileGrid;
import dev.sparkcnn.driver.report.EpochCharts;
import dev.sparkcnn.driver.report.ReportCharts;
import dev.sparkcnn.driver.report.ReportPage;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.ReportFiles;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.driver.train.EpochStats;
import dev.sparkcnn.driver.train.KeptEpoch;
import dev.sparkcnn.driver.train.RoundStats;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code sparkcnn report} (and the end of {@code train}): {@code report.html} plus PNG charts in a
 * model directory, from its {@code metrics.json}, and a grid of test images with the model's
 * answers, predicted in this process (no Spark).
 */
public final class ReportJob {
    /** Test images in the grid. */
    public static final int GRID_IMAGES = 32;
    public static final int GRID_COLUMNS = 8;
    /** Side of one image in the grid, in pixels. */
    public static final int TILE_SIDE = 96;

    /** What was written: the page, the pictures by file name, and the grid's predictions in order. */
    public record Result(String html, Map<String, byte[]> pictures, List<Prediction> grid) {
    }

    private final String modelDir;
    private final PrintWriter out;

    public ReportJob(String modelDir, PrintWriter out) {
        this.modelDir = modelDir;
        this.out = out;
    }

    public Result run() {
        HadoopConf hadoop = new HadoopConf(new Configuration());
        SavedModel model = ModelDirectory.read(hadoop, modelDir);
        JsonNode config = ModelDirectory.readConfig(hadoop, modelDir);
        Metrics metrics = Json.read(ModelDirectory.readMetrics(hadoop, modelDir), Metrics.class,
                modelDir + "/" + ModelDirectory.METRICS);
        List<String> names = model.data().classNames();

        Map<String, byte[]> pictures = new LinkedHashMap<>();
        ReportPage page = new ReportPage("sparkcnn report: " + model.spec().model() + " — " + modelDir)
                .facts(facts(model, config, metrics));
        epochCharts(page, pictures, metrics);
        List<RoundStats> rounds = metrics.rounds() == null ? List.of() : metrics.rounds();
        if (!rounds.isEmpty()) {
            add(page, pictures, "loss.png", "Training loss per round", ReportCharts.loss(rounds),
                    "Mean cross-entropy over each round's training examples (all partitions), each batch measured "
                            + "before its step.");
            if (rounds.stream().anyMatch(r -> r.accuracy() != null)) {
                add(page, pictures, "accuracy.png", "Training accuracy per round", ReportCharts.accuracy(rounds),
                        "Fraction of each round's training examples classified right, each batch measured before "
                                + "its step; held-out accuracy is below.");
            } else {
                page.text("Training accuracy per round", "Not measured by the " + model.engine() + " engine.");
            }
        }
        add(page, pictures, "partitions.png", "Accuracy per partition",
                ReportCharts.partitions(metrics.perPartition(), metrics.testAccuracy()),
                "Held-out split of each partition; the number in brackets is its test examples.");
        add(page, pictures, "classes.png", "Accuracy per class", ReportCharts.classes(metrics.perClass()), null);
        add(page, pictures, "confusion.png", "Confusion matrix", ReportCharts.confusion(metrics.confusionMatrix(),
                names), "Rows: actual class; columns: predicted class; held-out split.");

        List<Prediction> grid = List.of();
        try {
            String data = config.path("data").asText(null);
            if (data == null) {
                throw new ConfigException(modelDir + "/" + ModelDirectory.CONFIG + " does not name the data");
            }
            LocatedDataset dataset = new DatasetLocator(hadoop).locate(data, config.path("format").asText(null));
            EvaluateJob.checkCompatible(model.data(), dataset.spec(), data);
            TestRecords test = new TestRecords(hadoop, dataset,
                    config.path("partitions").asInt(RunSettings.DEFAULT_PARTITIONS),
                    config.path("testFraction").asDouble(DataSettings.DEFAULT_TEST_FRACTION),
                    config.path("seed").asLong(RunSettings.DEFAULT_SEED));
            List<ImageRecord> records = test.first(GRID_IMAGES);
            try (Predictor predictor = new Predictor(model)) {
                grid = predictor.predict(records);
            }
            add(page, pictures, "predictions.png", "Test images and predictions", grid(records, grid, model),
                    "The first " + records.size() + " images of " + test.source() + " of " + data
                            + ": predicted class and probability, true class below; wrong answers are framed red "
                            + "and crossed, right ones framed green.");
            page.list("Misclassified in the grid", misclassified(grid, names));
        } catch (InvalidDataException | ConfigException e) {
            page.text("Test images and predictions", "No test images: " + e.getMessage());
            out.println("report: no test image grid: " + e.getMessage());
        }

        String html = page.html();
        ReportFiles.write(hadoop, modelDir, pictures, html);
        out.println("report written to " + modelDir + "/" + ReportFiles.HTML);
        return new Result(html, pictures, grid);
    }

    /** Training against held-out accuracy and loss per epoch, as the TensorFlow tutorials plot them. */
    private static void epochCharts(ReportPage page, Map<String, byte[]> pictures, Metrics metrics) {
        List<EpochStats> epochs = metrics.epochs();
        if (epochs == null || epochs.isEmpty()) {
            page.text("Training and held-out per epoch", "Not recorded: this model directory was written before "
                    + "per-epoch figures were.");
            return;
        }
        KeptEpoch kept = metrics.keptEpoch();
        String how = "Training: each batch measured before its step, averaged over the epoch; held-out: the "
                + "held-out split evaluated with the epoch's end state (inference mode)"
                + (epochs.stream().allMatch(EpochStats::validated) ? "" : ", after the epochs --validate-every chose")
                + "." + (kept == null ? "" : " --keep-best: epoch " + kept.epoch() + " is the model (marked).");
        if (EpochCharts.hasAccuracy(epochs)) {
            add(page, pictures, "epochs-accuracy.png", "Accuracy per epoch: training vs held-out",
                    EpochCharts.accuracy(epochs, kept), how);
        }
        add(page, pictures, "epochs-loss.png", "Loss per epoch: training vs held-out", EpochCharts.loss(epochs, kept),
                "Mean cross-entropy. " + how);
    }

    /** The strategy and its own settings, e.g. {@code gradient-sharing, dense exchange}. */
    private static String strategy(JsonNode config) {
        try {
            StrategySettings s = FlatConfig.read(config).strategy();
            return s.name() + ", " + s.summary();
        } catch (IllegalArgumentException e) {
            return config.path("strategy").asText("?");
        }
    }

    private static Map<String, String> facts(SavedModel model, JsonNode config, Metrics metrics) {
        Map<String, String> f = new LinkedHashMap<>();
        ModelSpec spec = model.spec();
        f.put("model", spec.model() + " (engine " + model.engine() + ", " + model.state().params().length
                + " parameters)");
        f.put("input", spec.channels() + "x" + spec.height() + "x" + spec.width() + ", " + spec.numClasses()
                + " classes");
        f.put("data", config.path("data").asText("?"));
        int epochs = config.path("epochs").asInt(0);
        f.put("training", epochs + (epochs == 1 ? " epoch, " : " epochs, ") + config.path("partitions").asText("?")
                + " partitions, strategy " + strategy(config) + ", seed " + config.path("seed").asText("?"));
        f.put("held-out accuracy", String.format(Locale.ROOT, "%.4f (%d examples), loss %.4f",
                metrics.testAccuracy(), metrics.testExamples(), metrics.testLoss()));
        if (metrics.officialTestAccuracy() != null) {
            f.put("official test accuracy", String.format(Locale.ROOT, "%.4f (%d examples)",
                    metrics.officialTestAccuracy(), metrics.officialTest().examples()));
        }
        if (metrics.keptEpoch() != null) {
            KeptEpoch k = metrics.keptEpoch();
            f.put("kept epoch (--keep-best)", String.format(Locale.ROOT, "%d of %d: best held-out accuracy %.4f",
                    k.epoch(), epochs, k.heldOutAccuracy()));
        }
        f.put("training time", String.format(Locale.ROOT, "%.1f s, %.0f images/s", metrics.trainingSeconds(),
                metrics.imagesPerSecond()));
        return f;
    }

    private static byte[] grid(List<ImageRecord> records, List<Prediction> predictions, SavedModel model) {
        ModelSpec spec = model.spec();
        List<BufferedImage> tiles = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            BufferedImage image = Pictures.toImage(records.get(i).pixels(), spec.channels(), spec.height(),
                    spec.width());
            tiles.add(PredictionPicture.render(image, TILE_SIDE, predictions.get(i), model.data().classNames()));
        }
        return Pictures.png(TileGrid.compose(tiles, GRID_COLUMNS));
    }

    private static List<String> misclassified(List<Prediction> grid, List<String> names) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < grid.size(); i++) {
            Prediction p = grid.get(i);
            if (p.misclassified()) {
                items.add(String.format(Locale.ROOT, "image %d (row %d, column %d): %s predicted as %s (%.2f)", i,
                        i / GRID_COLUMNS + 1, i % GRID_COLUMNS + 1, PredictionPicture.name(names, p.trueLabel()),
                        PredictionPicture.name(names, p.predicted()), p.confidence()));
            }
        }
        if (items.isEmpty()) {
            items.add("none");
        }
        return items;
    }

    private static void add(ReportPage page, Map<String, byte[]> pictures, String file, String heading, byte[] png,
                            String note) {
        pictures.put(file, png);
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        page.picture(heading, ReportFiles.DIR + "/" + file, image.getWidth(), image.getHeight(), heading, note);
    }
}
