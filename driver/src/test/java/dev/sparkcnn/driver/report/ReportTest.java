package dev.sparkcnn.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.config.DataFormat;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.eval.PartitionCounts;
import dev.sparkcnn.driver.jobs.Metrics;
import dev.sparkcnn.driver.jobs.ReportJob;
import dev.sparkcnn.driver.predict.PredictionPicture;
import dev.sparkcnn.driver.predict.TileGrid;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.driver.train.EpochStats;
import dev.sparkcnn.driver.train.KeptEpoch;
import dev.sparkcnn.driver.train.RoundStats;
import dev.sparkcnn.kernels.EvalCounts;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a crafted model directory, no Spark: a network with all parameters zero answers
 * every image with equal probabilities, so it predicts class 0 ("airplane") for all of them. Every
 * test image of another class is therefore a known mistake the grid must mark.
 */
class ReportTest {
    private static final Pattern SRC = Pattern.compile("<img src=\"([^\"]+)\" width=\"(\\d+)\" height=\"(\\d+)\"");
    private final HadoopConf hadoop = new HadoopConf(new Configuration());

    @TempDir
    Path tmp;
    private Path data;
    private Path model;

    @BeforeEach
    void craft() throws Exception {
        data = TestData.cifar(tmp.resolve("data"), 1, 40, 20);
        model = tmp.resolve("model");
        ModelSpec spec = new ModelSpec("simple-cnn", 3, 32, 32, 10, 0.001, 1);
        ModelState zero;
        try (Network net = NetworkFactory.create(spec, NetworkFactory.NATIVE)) {
            ModelState init = net.initialState();
            zero = new ModelState(new float[init.params().length], new float[init.updaterState().length], 0);
        }
        SavedModel saved = new SavedModel(spec, NetworkFactory.NATIVE, CifarFormat.spec(CifarFormat.CIFAR10_CLASSES),
                Normalization.uniform(0.5f, 0.5f, 3), zero);
        TrainingConfig config = TrainingConfig.builder(data.toString(), model.toString())
                .format(DataFormat.of("cifar10")).model("simple-cnn").master("local[2]").epochs(2).batchSize(8)
                .averagingFrequency(2).checkpointEvery(0).build();
        ModelDirectory.write(hadoop, model.toString(), false, saved, Json.write(config),
                Json.write(metrics(true)));
    }

    @Test
    void writesThePageAndEveryPictureItNamesAtItsStatedSize() throws Exception {
        ReportJob.Result result = new ReportJob(model.toString(), quiet()).run();

        String html = Files.readString(model.resolve("report.html"));
        assertEquals(result.html(), html);
        Map<String, int[]> shown = new LinkedHashMap<>();
        Matcher m = SRC.matcher(html);
        while (m.find()) {
            shown.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
        }
        assertEquals(List.of("report/loss.png", "report/accuracy.png", "report/partitions.png", "report/classes.png",
                "report/confusion.png", "report/predictions.png"), List.copyOf(shown.keySet()));
        for (Map.Entry<String, int[]> e : shown.entrySet()) {
            BufferedImage image = ImageIO.read(model.resolve(e.getKey()).toFile());
            assertNotNull(image, e.getKey() + " decodes");
            assertEquals(e.getValue()[0], image.getWidth(), e.getKey());
            assertEquals(e.getValue()[1], image.getHeight(), e.getKey());
        }
        assertSize(model.resolve("report/loss.png"), ReportCharts.WIDTH, ReportCharts.HEIGHT);
        assertSize(model.resolve("report/accuracy.png"), ReportCharts.WIDTH, ReportCharts.HEIGHT);
        assertSize(model.resolve("report/classes.png"), ReportCharts.WIDTH, ReportCharts.HEIGHT);
        assertSize(model.resolve("report/confusion.png"), ReportCharts.HEATMAP_SIDE, ReportCharts.HEATMAP_SIDE);
        int tile = ReportJob.TILE_SIDE + 2 * PredictionPicture.FRAME;
        assertEquals(TileGrid.GAP + ReportJob.GRID_COLUMNS * (tile + TileGrid.GAP),
                ImageIO.read(model.resolve("report/predictions.png").toFile()).getWidth());
        assertTrue(html.contains("0.9000 (400 examples)"), "summary shows the crafted held-out accuracy");
    }

    @Test
    void theGridMarksTheModelsKnownMistakes() throws Exception {
        List<ImageRecord> test = new ArrayList<>();
        try (InputStream in = Files.newInputStream(data.resolve("test_batch.bin"))) {
            CifarFormat.read(in, "test_batch.bin", 0, 20, 10, test::add);
        }
        int wrong = indexOf(test, false);
        int right = indexOf(test, true);

        ReportJob.Result result = new ReportJob(model.toString(), quiet()).run();

        assertEquals(20, result.grid().size());
        for (int i = 0; i < 20; i++) {
            assertEquals(0, result.grid().get(i).predicted(), "a zero network predicts class 0");
            assertEquals(test.get(i).label(), result.grid().get(i).trueLabel());
        }
        BufferedImage sheet = ImageIO.read(model.resolve("report/predictions.png").toFile());
        int tileWidth = ReportJob.TILE_SIDE + 2 * PredictionPicture.FRAME;
        int rows = (20 + ReportJob.GRID_COLUMNS - 1) / ReportJob.GRID_COLUMNS;
        int tileHeight = (sheet.getHeight() - TileGrid.GAP) / rows - TileGrid.GAP;
        assertEquals(PredictionPicture.WRONG, frame(sheet, wrong, tileWidth, tileHeight), "misclassified: red");
        assertEquals(PredictionPicture.RIGHT, frame(sheet, right, tileWidth, tileHeight), "correct: green");

        String html = result.html();
        String name = CifarFormat.CIFAR10_CLASSES.get(test.get(wrong).label());
        assertTrue(html.contains("image " + wrong + " (row " + (wrong / 8 + 1) + ", column " + (wrong % 8 + 1)
                + "): " + name + " predicted as airplane (0.10)"), html);
        assertFalse(html.contains("image " + right + " ("), "a right answer is not listed as a mistake");
    }

    @Test
    void aSecondReportReplacesTheFirstAndLeavesNoTemporaryFiles() throws Exception {
        new ReportJob(model.toString(), quiet()).run();
        Files.writeString(model.resolve("report/stale.png"), "old");
        new ReportJob(model.toString(), quiet()).run();
        try (Stream<Path> files = Files.list(model)) {
            assertEquals(Set.of("model.json", "state.bin", "config.json", "metrics.json", "report.html", "report"),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        try (Stream<Path> pictures = Files.list(model.resolve("report"))) {
            assertEquals(Set.of("loss.png", "accuracy.png", "partitions.png", "classes.png", "confusion.png",
                    "predictions.png"),
                    pictures.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
    }

    @Test
    void withoutItsDataTheReportSaysSoAndStillHasTheCharts() throws Exception {
        Files.delete(data.resolve("data_batch_1.bin"));
        Files.delete(data.resolve("test_batch.bin"));
        ReportJob.Result result = new ReportJob(model.toString(), quiet()).run();
        assertTrue(result.html().contains("No test images: --data " + data), result.html());
        assertEquals(5, result.pictures().size());
        assertTrue(result.grid().isEmpty());
    }

    @Test
    void roundsWithoutTrainingAccuracyGetANoteInsteadOfAChart() throws Exception {
        Files.writeString(model.resolve("metrics.json"), Json.write(metrics(false)));
        ReportJob.Result result = new ReportJob(model.toString(), quiet()).run();
        assertFalse(result.pictures().containsKey("accuracy.png"));
        assertTrue(result.html().contains("Not measured by the native engine."), result.html());
    }

    @Test
    void trainingAndHeldOutCurvesPerEpochLeadThePageWithTheKeptEpochMarked() throws Exception {
        List<EpochStats> epochs = List.of(
                new EpochStats(1, 2, 2.1, 0.25, 128, null, null, null).withHeldOut(1.1, 0.85, 400),
                new EpochStats(2, 3, 1.2, 0.7, 64, null, null, null).withHeldOut(1.4, 0.8, 400));
        KeptEpoch kept = KeptEpoch.best(epochs);
        Files.writeString(model.resolve("metrics.json"), Json.write(metrics(true).withEpochs(epochs, kept, 0.2)));
        ReportJob.Result result = new ReportJob(model.toString(), quiet()).run();

        assertEquals(List.of("epochs-accuracy.png", "epochs-loss.png", "loss.png", "accuracy.png"),
                List.copyOf(result.pictures().keySet()).subList(0, 4), "the per-epoch curves come first");
        for (String chart : List.of("epochs-accuracy.png", "epochs-loss.png")) {
            BufferedImage image = ImageIO.read(model.resolve("report").resolve(chart).toFile());
            assertEquals(ReportCharts.WIDTH, image.getWidth());
            assertTrue(pixels(image, ReportCharts.BAR) > 100, chart + ": the training line");
            assertTrue(pixels(image, ReportCharts.SECOND) > 100, chart + ": the held-out line");
            assertTrue(pixels(image, EpochCharts.KEPT) > 50, chart + ": the kept epoch's marker");
        }
        assertTrue(result.html().contains("Accuracy per epoch: training vs held-out"), result.html());
        assertTrue(result.html().contains("1 of 2: best held-out accuracy 0.8500"), result.html());
        assertTrue(result.html().contains("--keep-best: epoch 1 is the model"), result.html());
    }

    @Test
    void aModelDirectoryWrittenBeforeEpochsWereRecordedStillReports() throws Exception {
        Path old = Path.of("src/test/resources/golden/simple-cnn-016d422/metrics.json");
        Metrics metrics = Json.read(Files.readString(old), Metrics.class, old.toString());
        assertNull(metrics.epochs());
        assertNull(metrics.keptEpoch());
        assertEquals(0.9875, metrics.testAccuracy());
        Files.copy(old, model.resolve("metrics.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        ReportJob.Result result = new ReportJob(model.toString(), quiet()).run();
        assertTrue(result.html().contains("Not recorded: this model directory was written before per-epoch figures"),
                result.html());
        assertFalse(result.pictures().containsKey("epochs-accuracy.png"));
        assertTrue(result.pictures().containsKey("loss.png"), "its per-round charts are still drawn");
    }

    @Test
    void aDirectoryThatIsNoModelIsNamed() {
        String message = assertThrows(InvalidDataException.class,
                () -> new ReportJob(tmp.resolve("nothing").toString(), quiet()).run()).getMessage();
        assertTrue(message.contains("nothing/model.json: missing"), message);
    }

    private static int indexOf(List<ImageRecord> records, boolean classZero) {
        for (int i = 0; i < records.size(); i++) {
            if ((records.get(i).label() == 0) == classZero) {
                return i;
            }
        }
        throw new IllegalStateException("the generated test set lacks a " + (classZero ? "" : "non-") + "class-0 "
                + "image; generate more");
    }

    private static Color frame(BufferedImage sheet, int index, int tileWidth, int tileHeight) {
        java.awt.Point at = TileGrid.origin(index, ReportJob.GRID_COLUMNS, tileWidth, tileHeight);
        return new Color(sheet.getRGB(at.x + 1, at.y + 1));
    }

    private static int pixels(BufferedImage image, Color color) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += (image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF) ? 1 : 0;
            }
        }
        return n;
    }

    private static void assertSize(Path png, int width, int height) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(width, image.getWidth(), png.toString());
        assertEquals(height, image.getHeight(), png.toString());
    }

    /** Two partitions, 9 of 10 right in each class, and a falling loss over 3 rounds in 2 epochs. */
    private static Metrics metrics(boolean accuracyMeasured) {
        List<PartitionCounts> parts = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            EvalCounts c = new EvalCounts(10);
            for (int k = 0; k < 10; k++) {
                for (int i = 0; i < 20; i++) {
                    c.add(k, i < 18 ? k : (k + 1) % 10);
                }
            }
            c.addLoss(100);
            parts.add(new PartitionCounts(p, c));
        }
        EvaluationReport test = EvaluationReport.of(parts, CifarFormat.CIFAR10_CLASSES);
        List<RoundStats> rounds = List.of(new RoundStats(1, 1, 2.3, 64, 0.5, 128, accuracyMeasured ? 0.1 : null, null),
                new RoundStats(2, 1, 1.9, 64, 0.5, 128, accuracyMeasured ? 0.4 : null, null),
                new RoundStats(3, 2, 1.2, 64, 0.5, 128, accuracyMeasured ? 0.7 : null, null));
        return Metrics.of(test, null, rounds, 1.5);
    }

    private static PrintWriter quiet() {
        return new PrintWriter(new ByteArrayOutputStream());
    }
}
