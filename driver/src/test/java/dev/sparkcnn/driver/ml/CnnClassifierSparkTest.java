package dev.sparkcnn.driver.ml;

import dev.sparkcnn.driver.SparkTest;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.SyntheticCifar;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.predict.Prediction;
import dev.sparkcnn.driver.predict.Predictor;
import dev.sparkcnn.driver.store.ModelDirectory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark ML API on local[2]: a Pipeline learns the generated set, survives save/load, rejects bad input. */
@SparkTest
class CnnClassifierSparkTest {
    @TempDir
    static Path tmp;
    private static JavaSparkContext sc;
    private static SparkSession spark;
    private static List<ImageRecord> train;
    private static List<ImageRecord> test;
    private static PipelineModel fitted;

    @BeforeAll
    static void fitOnce(JavaSparkContext context) {
        sc = context;
        spark = SparkSession.builder().getOrCreate();
        train = generate(2000, 1);
        test = generate(400, 2);
        CnnClassifier cnn = new CnnClassifier().setModel("cifar-cnn").setEpochs(2).setBatchSize(32)
                .setAveragingFrequency(5).setPartitions(2).setSeed(3);
        fitted = new Pipeline().setStages(new PipelineStage[] {cnn}).fit(binary(train, 2));
    }


    @Test
    void pipelineLearnsTheGeneratedSetAndSaveLoadGivesIdenticalProbabilities() throws IOException {
        List<Row> out = fitted.transform(binary(test, 2)).select("label", "prediction", "probability")
                .collectAsList();
        int correct = 0;
        for (Row r : out) {
            Vector p = r.getAs(2);
            assertEquals(10, p.size());
            assertEquals(1.0, sum(p.toArray()), 1e-4, "probabilities sum to 1");
            assertEquals(p.argmax(), r.getDouble(1), "prediction is the most probable class");
            correct += r.getInt(0) == (int) r.getDouble(1) ? 1 : 0;
        }
        double accuracy = correct / (double) out.size();
        assertTrue(accuracy >= 0.8, "accuracy " + accuracy + " on 10 classes (chance 0.1)");
        assertEquals(accuracy, new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(fitted.transform(binary(test, 2))), 1e-12, "Spark's evaluator reads the output columns");

        String path = tmp.resolve("pipeline-model").toString();
        fitted.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        List<Row> again = loaded.transform(binary(test, 2)).select("probability").collectAsList();
        assertEquals(out.size(), again.size());
        for (int i = 0; i < out.size(); i++) {
            assertArrayEquals(((Vector) out.get(i).getAs(2)).toArray(), ((Vector) again.get(i).getAs(0)).toArray(),
                    "row " + i + ": identical probabilities after save/load");
        }

        // the saved stage holds an ordinary model directory: the CLI's predictor reads it
        CnnClassificationModel stage = (CnnClassificationModel) loaded.stages()[0];
        Path stageDir = Files.list(Path.of(path, "stages")).findFirst().orElseThrow();
        try (Predictor predictor = new Predictor(ModelDirectory.read(new HadoopConf(sc.hadoopConfiguration()),
                stageDir.resolve(CnnClassificationModel.MODEL_DIR).toString()))) {
            List<Prediction> local = predictor.predict(test.subList(0, 20));
            for (int i = 0; i < 20; i++) {
                double[] expected = ((Vector) out.get(i).getAs(2)).toArray();
                for (int k = 0; k < 10; k++) {
                    assertEquals(expected[k], local.get(i).probabilities()[k], 1e-5, "row " + i + " class " + k);
                }
            }
        }
        assertEquals(10, stage.numClasses());

        // copy with extra params (what PipelineModel.copy does) renames the output columns
        CnnClassificationModel renamed = stage.copy(new ParamMap().put(stage.predictionCol(), "guess")
                .put(stage.probabilityCol(), "scores"));
        assertEquals(List.of("image", "label", "guess", "scores"), List.of(renamed.transform(binary(test, 2))
                .columns()));
        assertEquals("prediction", stage.getOrDefault(stage.predictionCol()), "the original is unchanged");
    }

    @Test
    void unfittedPipelineSavesAndLoadsItsParams() throws IOException {
        CnnClassifier cnn = new CnnClassifier().setModel("simple-cnn").setEpochs(7).setImageShape(1, 28, 28)
                .setStrategy("gradient-sharing").setExchange("threshold").setLearningRate(0.01).setImageCol("pixels")
                .setOptimizer("sgd");
        String path = tmp.resolve("pipeline").toString();
        new Pipeline().setStages(new PipelineStage[] {cnn}).write().save(path);
        CnnClassifier loaded = (CnnClassifier) Pipeline.load(path).getStages()[0];
        assertEquals(cnn.uid(), loaded.uid());
        for (Param<?> p : cnn.params()) {
            assertEquals(cnn.isSet(p), loaded.isSet(p), p.name());
            if (cnn.isDefined(p)) {
                assertEquals(json(cnn, p), json(loaded, loaded.getParam(p.name())), p.name());
            }
        }
        assertEquals("simple-cnn", loaded.getModel());
        assertEquals(7, loaded.getEpochs());

        // what CrossValidator does with each candidate ParamMap
        CnnClassifier candidate = cnn.copy(new ParamMap().put(cnn.epochs(), 3));
        assertEquals(3, candidate.getEpochs());
        assertEquals(7, cnn.getEpochs());
        assertEquals(cnn.uid(), candidate.uid());
    }

    @Test
    void imageDataSourceStructsArePixelForPixelTheCifarLayout() throws IOException {
        List<ImageRecord> few = test.subList(0, 20);
        Path dir = tmp.resolve("pngs");
        for (int i = 0; i < few.size(); i++) {
            Path classDir = Files.createDirectories(dir.resolve(Integer.toString(few.get(i).label())));
            ImageIO.write(toImage(few.get(i)), "png", classDir.resolve(String.format("img%02d.png", i)).toFile());
        }
        // as in the README: one folder per class index
        Dataset<Row> images = spark.read().format("image").option("recursiveFileLookup", "true").load(dir.toString())
                .withColumn("label", regexp_extract(col("image.origin"), "/(\\d+)/[^/]+$", 1).cast("int"));
        ImageColumn column = ImageColumn.of(images.schema(), "image");
        List<Row> rows = images.collectAsList();
        assertEquals(few.size(), rows.size());
        List<ImageRecord> inRowOrder = new ArrayList<>();
        for (Row row : rows) {
            String origin = row.getStruct(0).getString(0);
            ImageRecord original = few.get(Integer.parseInt(origin.replaceAll(".*img(\\d+)\\.png$", "$1")));
            assertEquals(original.label(), row.getInt(1), origin);
            assertArrayEquals(original.pixels(), column.pixels(row, 0, 3, 32, 32), origin);
            inRowOrder.add(original);
        }

        CnnClassificationModel model = (CnnClassificationModel) fitted.stages()[0];
        List<Row> fromPng = model.transform(images).select("probability").collectAsList();
        List<Row> fromBinary = model.transform(binary(inRowOrder, 1)).select("probability").collectAsList();
        for (int i = 0; i < rows.size(); i++) {
            double[] a = ((Vector) fromPng.get(i).getAs(0)).toArray();
            double[] b = ((Vector) fromBinary.get(i).getAs(0)).toArray();
            assertArrayEquals(b, a, 1e-6, "image " + i);
        }

        // a saved model's directory is what `sparkcnn predict --model-dir` reads
        String saved = tmp.resolve("saved-model").toString();
        model.write().save(saved);
        String png = Path.of(java.net.URI.create(rows.get(0).getStruct(0).getString(0))).toString();
        int expected = ((Vector) fromPng.get(0).getAs(0)).argmax();
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        int code = Main.run(new String[] {"predict", "--model-dir", saved + "/" + CnnClassificationModel.MODEL_DIR,
                "--top-k", "1", png}, new java.io.PrintStream(stdout, true), System.err);
        assertEquals(0, code);
        assertContains(new AssertionError(stdout.toString()), "  1. " + expected + " ");

        // a user's definition file as the model, with a batch norm and dropout
        java.nio.file.Path definition = java.nio.file.Files.createTempFile("tiny", ".json");
        java.nio.file.Files.writeString(definition, """
                {"name": "tiny-bn", "layers": [
                  {"type": "conv2d", "filters": 4, "kernel": 3, "stride": 2, "bias": false, "activation": "identity"},
                  {"type": "batchnorm"}, {"type": "activation", "function": "relu"}, {"type": "dropout", "rate": 0.1},
                  {"type": "globalavgpool"}, {"type": "dense", "units": "classes", "activation": "softmax"}]}
                """);
        CnnClassificationModel fromFolders = new CnnClassifier().setModel(definition.toString()).setEpochs(1)
                .setBatchSize(8).fit(images);
        assertEquals("tiny-bn", fromFolders.savedModel().spec().model());
        assertEquals(10, fromFolders.numClasses());
        assertEquals(List.of(3, 32, 32), List.of(fromFolders.savedModel().spec().channels(),
                fromFolders.savedModel().spec().height(), fromFolders.savedModel().spec().width()));
    }

    @Test
    void fittingOnImageStructsEqualsFittingOnBinaryPixels() {
        List<ImageRecord> small = train.subList(0, 160);
        CnnClassifier cnn = new CnnClassifier().setModel("simple-cnn").setEpochs(1).setBatchSize(16).setSeed(9)
                .setOptimizer("adam");
        CnnClassificationModel fromStructs = cnn.fit(structs(small, 2));
        CnnClassificationModel fromBinary = cnn.fit(binary(small, 2));
        assertEquals(32, fromStructs.savedModel().spec().width());
        assertArrayEquals(fromBinary.savedModel().state().params(), fromStructs.savedModel().state().params());
        assertTrue(fromBinary.savedModel().state().iteration() > 0);
        assertEquals("adam", fromBinary.savedModel().spec().effectiveOptimizer().id(), "the optimizer param is used");
    }

    @Test
    void arrayColumnsPredictLikeBinary() {
        List<ImageRecord> few = test.subList(0, 30);
        CnnClassificationModel model = (CnnClassificationModel) fitted.stages()[0];
        List<Row> expected = model.transform(binary(few, 2)).select("probability").collectAsList();
        Function<ImageRecord, Object> ints = r -> {
            int[] v = new int[r.pixels().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = Byte.toUnsignedInt(r.pixels()[i]);
            }
            return v;
        };
        Function<ImageRecord, Object> doubles = r -> {
            double[] v = new double[r.pixels().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (double) Byte.toUnsignedInt(r.pixels()[i]);
            }
            return v;
        };
        for (Function<ImageRecord, Object> f : List.of(ints, doubles)) {
            Dataset<Row> df = frame(few, 2, DataTypes.createArrayType(f == ints ? DataTypes.IntegerType
                    : DataTypes.DoubleType, false), f, DataTypes.IntegerType);
            List<Row> got = model.transform(df).select("probability").collectAsList();
            for (int i = 0; i < few.size(); i++) {
                assertArrayEquals(((Vector) expected.get(i).getAs(0)).toArray(), ((Vector) got.get(i).getAs(0))
                        .toArray(), "row " + i);
            }
        }
    }

    @Test
    void gradientSharingFitsThroughTheSameApi() {
        CnnClassificationModel model = new CnnClassifier().setModel("simple-cnn").setStrategy("gradient-sharing")
                .setEpochs(1).setBatchSize(16).setPartitions(2).fit(binary(train.subList(0, 128), 1));
        assertEquals(10, model.numClasses());
        assertTrue(model.savedModel().state().iteration() > 0);
        ConfigException tooMany = assertThrows(ConfigException.class, () -> new CnnClassifier()
                .setStrategy("gradient-sharing").setPartitions(3).fit(binary(train.subList(0, 30), 1)));
        assertContains(tooMany, "partitions 3 is more than the 2 task slots");
    }

    @Test
    void badInputFailsOnTheDriverNamingTheColumn() {
        CnnClassifier cnn = new CnnClassifier().setEpochs(1);
        List<ImageRecord> few = train.subList(0, 20);
        assertContains(assertThrows(ConfigException.class, () -> cnn.fit(binary(few, 1).withColumnRenamed(
                "image", "img"))), "imageCol 'image': no such column");
        assertContains(assertThrows(ConfigException.class, () -> cnn.fit(frame(few, 1, DataTypes.StringType,
                r -> "x", DataTypes.IntegerType))), "imageCol 'image' has type string");
        assertContains(assertThrows(ConfigException.class, () -> cnn.fit(binary(few, 1).drop("label"))),
                "labelCol 'label': no such column");
        assertContains(assertThrows(ConfigException.class, () -> cnn.fit(frame(few, 1, DataTypes.BinaryType,
                ImageRecord::pixels, DataTypes.StringType))), "labelCol 'label' has type string");
        assertContains(assertThrows(ConfigException.class, () -> cnn.fit(frame(few, 1, DataTypes.BinaryType,
                r -> java.util.Arrays.copyOf(r.pixels(), 3000), DataTypes.IntegerType))),
                "images have 3000 values but imageShape 3x32x32 needs 3072");
        Dataset<Row> negative = binary(few, 1).withColumn("label", col("label").minus(1));
        assertContains(assertThrows(ConfigException.class, () -> cnn.fit(negative)), "found -1");
        Dataset<Row> fractional = binary(few, 1).withColumn("label", col("label").plus(0.5));
        assertContains(assertThrows(ConfigException.class, () -> cnn.fit(fractional)), "not a whole number");
        assertContains(assertThrows(ConfigException.class, () -> cnn.fit(binary(few, 1)
                .withColumn("prediction", col("label")))), "predictionCol 'prediction': the DataFrame already has");
        assertContains(assertThrows(ConfigException.class, () -> cnn.setNumClasses(5).fit(binary(few, 1))),
                "label 9 is not below numClasses 5");
        assertContains(assertThrows(ConfigException.class, () -> new CnnClassifier().setEpochs(0)),
                "CnnClassifier epochs must be at least 1, got 0");
        assertContains(assertThrows(ConfigException.class, () -> new CnnClassifier().setModel("resnet")),
                "CnnClassifier model 'resnet': unknown model 'resnet'; known models: simple-cnn");

        // a fitted model checks every image against its input shape on the executors
        CnnClassificationModel model = (CnnClassificationModel) fitted.stages()[0];
        Exception wrong = assertThrows(Exception.class, () -> model.transform(frame(few, 1, DataTypes.BinaryType,
                r -> java.util.Arrays.copyOf(r.pixels(), 100), DataTypes.IntegerType)).collect());
        assertContains(wrong, "imageCol 'image': an image has 100 values, expected 3x32x32");
    }

    @SuppressWarnings("unchecked")
    private static String json(CnnClassifier owner, Param<?> p) {
        Param<Object> param = (Param<Object>) p;
        return param.jsonEncode(owner.getOrDefault(param));
    }

    private static void assertContains(Throwable e, String expected) {
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '"
                + expected + "'");
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    private static List<ImageRecord> generate(int n, long seed) {
        Random rnd = new Random(seed);
        List<ImageRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(SyntheticCifar.generate(i % 10, rnd));
        }
        return out;
    }

    /** Rows (image binary CHW, label int) in {@code partitions} slices of the list, in order. */
    static Dataset<Row> binary(List<ImageRecord> records, int partitions) {
        return frame(records, partitions, DataTypes.BinaryType, ImageRecord::pixels, DataTypes.IntegerType);
    }

    private static Dataset<Row> frame(List<ImageRecord> records, int partitions,
                                      org.apache.spark.sql.types.DataType imageType,
                                      Function<ImageRecord, Object> image,
                                      org.apache.spark.sql.types.DataType labelType) {
        List<Row> rows = new ArrayList<>();
        for (ImageRecord r : records) {
            Object label = labelType.equals(DataTypes.StringType) ? "c" + r.label() : (Object) r.label();
            rows.add(RowFactory.create(image.apply(r), label));
        }
        StructType schema = new StructType().add("image", imageType).add("label", labelType);
        return spark.createDataFrame(sc.parallelize(rows, partitions), schema);
    }

    /** Rows in Spark's image data source schema: HWC, BGR, mode CV_8UC3. */
    private static Dataset<Row> structs(List<ImageRecord> records, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int n = 0; n < records.size(); n++) {
            byte[] chw = records.get(n).pixels();
            byte[] bgr = new byte[chw.length];
            for (int i = 0; i < 32 * 32; i++) {
                for (int c = 0; c < 3; c++) {
                    bgr[i * 3 + (2 - c)] = chw[c * 1024 + i];
                }
            }
            rows.add(RowFactory.create(RowFactory.create("mem:" + n, 32, 32, 3, 16, bgr), records.get(n).label()));
        }
        StructType schema = new StructType().add("image", ImageSchema.columnSchema()).add("label",
                DataTypes.IntegerType);
        return spark.createDataFrame(sc.parallelize(rows, partitions), schema);
    }

    private static BufferedImage toImage(ImageRecord r) {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                image.setRGB(x, y, r.pixel(0, y, x, 32, 32) << 16 | r.pixel(1, y, x, 32, 32) << 8
                        | r.pixel(2, y, x, 32, 32));
            }
        }
        return image;
    }
}
