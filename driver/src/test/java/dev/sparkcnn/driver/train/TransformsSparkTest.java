package dev.sparkcnn.driver.train;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.Augmentation;
import dev.sparkcnn.datasets.DatasetStatistics;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.data.DataPlan;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.data.DatasetNormalization;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.eval.Evaluation;
import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.sync.Exchange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transforms on executors, on local[2]: both strategies augment exactly as the single-process
 * reference does, augmentation costs no accuracy on the generated set, and the distributed
 * dataset statistics equal a single-process count.
 */
@SparkTest
class TransformsSparkTest {
    @TempDir
    static Path tmp;
    private static JavaSparkContext sc;
    private static HadoopConf hadoop;

    @BeforeAll
    static void start(JavaSparkContext spark) {
        sc = spark;
        hadoop = new HadoopConf(sc.hadoopConfiguration());
    }


    @Test
    void bothStrategiesAugmentExactlyAsTheSingleProcessTrainer() {
        int batch = 8;
        int steps = 4;
        List<ImageRecord> records = random(steps * batch, 6);
        ModelSpec spec = new ModelSpec("simple-cnn", 3, 32, 32, 10, 0.05, 11, "sgd");
        Normalization norm = ModelCatalogue.defaults("simple-cnn").normalization(3);
        // one round per epoch, so both strategies run the same schedule as LocalTrainer
        TrainingRun augmented = new TrainingRun(spec, "native", norm, batch, 2, 5, 1,
                Augmentation.parse("flip,crop,rotate"));
        TrainingRun plain = new TrainingRun(spec, "native", norm, batch, 2, 5, 1);
        ModelState initial = initial(spec);

        ModelState reference = LocalTrainer.train(records, 0, initial, augmented, steps);
        ModelState averaged = new ParameterAveraging(steps).fit(sc, sc.parallelize(records, 1), records.size(), initial,
                augmented, (s, total, state) -> { }).state();
        ModelState shared = new GradientSharing(new Exchange.Options(Exchange.DENSE, 1, false)).fit(sc,
                sc.parallelize(records, 1), records.size(), initial, augmented, (s, total, state) -> { }).state();

        assertTrue(reference.maxAbsDifference(LocalTrainer.train(records, 0, initial, plain, steps)) > 1e-3,
                "augmentation changes what is learnt");
        double pa = reference.maxAbsDifference(averaged);
        double gs = reference.maxAbsDifference(shared);
        assertTrue(pa < 1e-5, "parameter averaging differs from the reference by " + pa);
        assertTrue(gs < 1e-5, "gradient sharing differs from the reference by " + gs);
    }

    @Test
    void flipAndCropCostNoAccuracyOnTheGeneratedSet() {
        Path dir = TestData.cifar(tmp.resolve("learnable"), 3, 1000, 500);
        LocatedDataset data = new DatasetLocator(hadoop).locate(dir.toString(), null);
        DataPlan plan = DataPlan.create(sc, hadoop, data, 2, 0.2, 42);
        ModelSpec spec = ModelSpec.of("cifar-cnn", data.spec(), null, 11);
        Normalization norm = ModelCatalogue.defaults("cifar-cnn").normalization(3);
        double[] accuracy = new double[2];
        double[] seconds = new double[2];
        for (int i = 0; i < 2; i++) {
            TrainingRun run = new TrainingRun(spec, "native", norm, 64, 3, 11, 1,
                    i == 0 ? Augmentation.NONE : Augmentation.parse("flip,crop"));
            long t0 = System.nanoTime();
            TrainingResult result = new ParameterAveraging(5).fit(sc, plan.train(), plan.trainCounts()[0],
                    initial(spec), run, (s, total, state) -> { });
            seconds[i] = (System.nanoTime() - t0) / 1e9;
            accuracy[i] = EvaluationReport.of(Evaluation.countsPerPartition(sc, plan.test(), result.state(), run),
                    data.spec().classNames()).accuracy();
        }
        plan.release();
        System.out.printf("cifar-cnn, 3 epochs, 2,400 training images, local[2]: held-out accuracy plain %.4f "
                + "(%.1f s), --augment flip,crop %.4f (%.1f s)%n", accuracy[0], seconds[0], accuracy[1], seconds[1]);
        assertTrue(accuracy[0] >= 0.9, "plain training learns the set: " + accuracy[0]);
        assertTrue(accuracy[1] >= accuracy[0] - 0.02, "augmented " + accuracy[1] + " vs plain " + accuracy[0]);
    }

    @Test
    void datasetStatisticsOnExecutorsEqualASingleProcessCount() {
        Path dir = TestData.cifar(tmp.resolve("stats"), 3, 101, 10);
        LocatedDataset data = new DatasetLocator(hadoop).locate(dir.toString(), null);
        DataPlan plan = DataPlan.create(sc, hadoop, data, 3, 0.2, 42);
        DatasetStatistics distributed = DatasetNormalization.statistics(plan.train(), data.spec());
        DatasetStatistics local = new DatasetStatistics(data.spec());
        List<ImageRecord> train = plan.train().collect();
        train.forEach(local::add);
        plan.release();

        assertEquals(train.size(), distributed.records());
        assertEquals(303 - 3 * Math.round(101 * 0.2), distributed.records(), "the training split only");
        assertArrayEquals(local.classCounts(), distributed.classCounts());
        assertArrayEquals(local.mean(), distributed.mean(), 0.0);
        assertArrayEquals(local.std(), distributed.std(), 0.0);
        Normalization n = DatasetNormalization.of(distributed);
        for (int c = 0; c < 3; c++) {
            assertEquals(local.mean()[c], n.mean()[c], 1e-7);
            assertEquals(local.std()[c], n.std()[c], 1e-7);
            assertTrue(n.std()[c] > 0.05, "noisy images spread: " + n);
        }
    }

    private static List<ImageRecord> random(int count, long seed) {
        Random random = new Random(seed);
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[3 * 32 * 32];
            random.nextBytes(pixels);
            records.add(new ImageRecord(random.nextInt(10), pixels));
        }
        return records;
    }

    private static ModelState initial(ModelSpec spec) {
        try (Network net = NetworkFactory.create(spec, "native")) {
            return net.initialState();
        }
    }
}
