package dev.sparkcnn.driver.train;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Seeds;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.data.DataPlan;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.eval.Evaluation;
import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.spark.SparkRuntime;
import dev.sparkcnn.kernels.BatchIterator;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.optim.LrSchedule;
import dev.sparkcnn.kernels.optim.RunSteps;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.driver.config.AllReduceAveragingSettings;
import dev.sparkcnn.kernels.sync.Exchange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gradient sharing through Spark's barrier mode on local masters: equivalence with big-batch SGD,
 * identical replicas, learning with both exchanges, and recovery from a failed task.
 */
@SparkTest
class GradientSharingSparkTest {
    @TempDir
    static Path tmp;

    private static final int BATCH = 8;

    private static final AtomicInteger FAILED_TASKS = new AtomicInteger();

    private static <T> T withSpark(String master, Map<String, String> extra, Function<JavaSparkContext, T> body) {
        Map<String, String> conf = new HashMap<>(TestData.sparkTestConf());
        conf.putAll(extra);
        JavaSparkContext sc = SparkRuntime.start("sparkcnn-test", master, conf);
        FAILED_TASKS.set(0);
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) {
                    FAILED_TASKS.incrementAndGet();
                }
            }
        });
        try {
            return body.apply(sc);
        } finally {
            try {
                sc.sc().listenerBus().waitUntilEmpty();
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(e);
            }
            sc.stop();
        }
    }

    private static List<ImageRecord> records(int count, long seed) {
        Random random = new Random(seed);
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[3 * 32 * 32];
            random.nextBytes(pixels);
            records.add(new ImageRecord(random.nextInt(10), pixels));
        }
        return records;
    }

    private static TrainingRun sgdRun(int epochs) {
        ModelSpec spec = new ModelSpec("simple-cnn", 3, 32, 32, 10, 0.05, 11, "sgd");
        return new TrainingRun(spec, "native", ModelCatalogue.defaults("simple-cnn").normalization(3), BATCH,
                epochs, 5, 1);
    }

    private static ModelState initial(ModelSpec spec) {
        try (Network net = NetworkFactory.create(spec, "native")) {
            return net.initialState();
        }
    }

    /** With and without weight decay, label smoothing, warm-up + step decay and a scaled rate: the same equality. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void denseSgdOnTwoEqualPartitionsIsSingleProcessSgdWithTwiceTheBatch(boolean options) {
        int steps = 3;
        int epochs = 2;
        List<ImageRecord> all = records(2 * steps * BATCH, 3);
        TrainingRun plain = sgdRun(epochs);
        // half the rate, scaled x2 for the 2 workers: the same peak as the plain run (float noise grows with it)
        TrainingRun run = !options ? plain : new TrainingRun(plain.spec().withLearningRate(0.025).withTraining(
                new TrainingOptions(1e-3, 0.1, LrSchedule.stepEvery(0.5, 1).withWarmupSteps(2),
                        new RunSteps(0, steps, epochs, 2))), "native", plain.normalization(), BATCH, epochs, 5, 1);
        ModelState initial = initial(run.spec());
        TrainingResult spark = withSpark("local[2]", Map.of(), sc -> new GradientSharing(
                new Exchange.Options(Exchange.DENSE, 1, true)).fit(sc, sc.parallelize(all, 2), steps * BATCH, initial,
                run, (s, total, state) -> { }));

        // the same schedule in one process: step j of epoch e uses batch j of both shuffled halves
        NativeRuntime.configureThreads(1);
        ModelState expected;
        try (Network net = NetworkFactory.create(run.spec(), "native")) {
            net.load(initial);
            for (int epoch = 0; epoch < epochs; epoch++) {
                List<List<ImageRecord>> shards = new ArrayList<>();
                for (int p = 0; p < 2; p++) {
                    List<ImageRecord> shard = new ArrayList<>(all.subList(p * steps * BATCH, (p + 1) * steps * BATCH));
                    Seeds.shuffle(shard, run.seed(), epoch, p);
                    shards.add(shard);
                }
                for (int j = 0; j < steps; j++) {
                    List<ImageRecord> big = new ArrayList<>();
                    for (List<ImageRecord> shard : shards) {
                        big.addAll(shard.subList(j * BATCH, (j + 1) * BATCH));
                    }
                    net.fit(new BatchIterator(big.iterator(), 2 * BATCH, run.spec(), run.normalization()).next());
                }
            }
            expected = net.state();
        }
        assertEquals(epochs, spark.rounds().size(), "one round per epoch");
        assertEquals(2L * steps * BATCH, spark.rounds().get(0).examples());
        assertEquals(1.0, spark.rounds().get(0).exchangeRatio(), 0.01, "dense: the whole vector per step");
        assertTrue(expected.maxAbsDifference(initial) > 1e-3, "training moved the parameters");
        double diff = expected.maxAbsDifference(spark.state());
        assertTrue(diff < 1e-5, "gradient sharing differs from big-batch SGD by " + diff);
        assertEquals(expected.iteration(), spark.state().iteration());
    }

    /**
     * allreduce-averaging is parameter averaging without a Spark job per average: on the same
     * partitions (unequal, so the weights matter: 16/16, 16/8 and 15/0 examples per average) it must
     * end where the driver's averaging ends, bit for bit. Both compute the mean with
     * {@link dev.sparkcnn.kernels.WeightedMean} (in double, rounded to float once), and a replica's
     * network computes bit for bit as the driver's tasks' (one native thread per task in both): measured
     * 0.0 here and on 9 other data seeds, at every one of the 6 averages.
     *
     * <p>No tolerance would do: Adam can amplify float-ulp differences in the averaged state by 10^5,
     * because it scales each step by the gradient's own size, so where a gradient is near zero a tiny
     * difference in it becomes a step of order the learning rate. When the ring summed in float (one
     * ulp off in a quarter of the elements after the 16/8 average, everything else bit for bit), the
     * end states differed by 1.4e-3 on this data on AVX2 (1.5e-8 after average 2, 1.7e-5 after 4,
     * 1.4e-3 after 6, largest on dense weights whose sqrt(v) was ~1e-6 against a median of 9e-4), but
     * by at most 2e-7 on 9 other data seeds, and under 1e-5 on an AVX-512 build. A tolerance would fail
     * at random or miss an arithmetic difference; equality does neither.
     */
    @Test
    void allReduceAveragingEndsWhereDriverAveragingEnds() {
        int every = 2;
        int epochs = 2;
        List<ImageRecord> all = records(5 * BATCH + 7 + 3 * BATCH, 4);
        ModelSpec spec = new ModelSpec("simple-cnn", 3, 32, 32, 10, 0.003, 11, "adam");
        TrainingRun run = new TrainingRun(spec, "native", ModelCatalogue.defaults("simple-cnn").normalization(3), BATCH,
                epochs, 5, 1);
        ModelState initial = initial(spec);
        long largest = 5 * BATCH + 7;
        List<List<ImageRecord>> parts = List.of(all.subList(0, (int) largest), all.subList((int) largest, all.size()));
        TrainingResult driver = withSpark("local[2]", Map.of(), sc -> new ParameterAveraging(every).fit(sc,
                partitioned(sc, parts), largest, initial, run, (s, total, state) -> { }));
        TrainingResult ring = withSpark("local[2]", Map.of(), sc -> new AllReduceAveraging(
                new AllReduceAveragingSettings(every, true)).fit(sc, partitioned(sc, parts), largest, initial, run,
                (s, total, state) -> { }));
        assertEquals(epochs, ring.rounds().size(), "one barrier round per epoch");
        assertEquals(epochs * 3, driver.rounds().size(), "ceil(47 / (2 x 8)) = 3 driver rounds per epoch");
        long examples = ring.rounds().stream().mapToLong(RoundStats::examples).sum();
        assertEquals(driver.rounds().stream().mapToLong(RoundStats::examples).sum(), examples);
        assertTrue(driver.state().maxAbsDifference(initial) > 1e-3, "training moved the parameters");
        double diff = driver.state().maxAbsDifference(ring.state());
        assertEquals(0.0, diff, "all-reduce averaging differs from driver averaging by " + diff);
        assertEquals(driver.state().iteration(), ring.state().iteration());
    }

    /** An RDD whose partition i holds exactly {@code parts.get(i)}, in order. */
    private static org.apache.spark.api.java.JavaRDD<ImageRecord> partitioned(JavaSparkContext sc,
                                                                             List<List<ImageRecord>> parts) {
        List<ImageRecord> flat = new ArrayList<>();
        parts.forEach(flat::addAll);
        int first = parts.get(0).size();
        return sc.parallelize(flat, 1).mapPartitionsWithIndex((i, it) -> it, true)
                .zipWithIndex().mapToPair(t -> new scala.Tuple2<>(t._2() < first ? 0 : 1, t._1()))
                .partitionBy(new org.apache.spark.HashPartitioner(2)).values();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "threshold"})
    void cifarCnnLearnsTheGeneratedSet(String exchange) {
        double accuracy = withSpark("local[2]", Map.of(), sc -> {
            HadoopConf hadoop = new HadoopConf(sc.hadoopConfiguration());
            Path dir = TestData.cifar(tmp.resolve("learnable-" + exchange), 3, 1000, 500);
            LocatedDataset data = new DatasetLocator(hadoop).locate(dir.toString(), null);
            DataPlan plan = DataPlan.create(sc, hadoop, data, 2, 0.2, 42);
            ModelSpec spec = ModelSpec.of("cifar-cnn", data.spec(), null, 11);
            TrainingRun run = new TrainingRun(spec, "native", ModelCatalogue.defaults("cifar-cnn").normalization(3),
                    64, 3, 11, 1);
            TrainingResult result = new GradientSharing(new Exchange.Options(Exchange.of(exchange),
                    TrainingConfigDefaults.DENSITY, false)).fit(sc, plan.train(), plan.trainCounts()[0],
                    initial(spec), run, (s, total, state) -> { });
            Double trainingAccuracy = result.rounds().get(result.rounds().size() - 1).accuracy();
            assertTrue(trainingAccuracy != null && trainingAccuracy > 0.8,
                    "the last round's training accuracy is measured: " + trainingAccuracy);
            if ("threshold".equals(exchange)) {
                double ratio = result.rounds().get(1).exchangeRatio();
                assertTrue(ratio < 0.02, "threshold exchange sent " + ratio + " of the dense bytes");
            }
            EvaluationReport report = EvaluationReport.of(Evaluation.countsPerPartition(sc, plan.test(),
                    result.state(), run), data.spec().classNames());
            plan.release();
            return report.accuracy();
        });
        assertTrue(accuracy >= 0.9, exchange + ": test accuracy " + accuracy);
    }

    @Test
    void aTaskFailingOnceMakesSparkRetryTheStageAndTheResultIsUnchanged() {
        List<ImageRecord> all = records(2 * 3 * BATCH, 4);
        TrainingRun run = sgdRun(2);
        ModelState initial = initial(run.spec());
        Function<JavaSparkContext, TrainingResult> train = sc -> new GradientSharing(
                new Exchange.Options(Exchange.DENSE, 1, true)).fit(sc, sc.parallelize(all, 2), 3 * BATCH, initial, run,
                (s, total, state) -> { });
        TrainingResult undisturbed = withSpark("local[2,4]", Map.of(), train);
        assertEquals(0, FAILED_TASKS.get());
        TrainingResult retried = withSpark("local[2,4]", Map.of(FaultInjection.KEY, "2:1"), train);
        assertTrue(FAILED_TASKS.get() >= 1, "the injected failure happened");
        assertEquals(0.0, undisturbed.state().maxAbsDifference(retried.state()),
                "a retried round starts again from the round's broadcast state: same result");
        assertEquals(2, retried.rounds().size());
    }

    @Test
    void parameterAveragingRetriesAFailedTaskToo() {
        List<ImageRecord> all = records(2 * 3 * BATCH, 4);
        TrainingRun run = sgdRun(1);
        ModelState initial = initial(run.spec());
        Function<JavaSparkContext, TrainingResult> train = sc -> new ParameterAveraging(1).fit(sc,
                sc.parallelize(all, 2), 3 * BATCH, initial, run, (s, total, state) -> { });
        TrainingResult undisturbed = withSpark("local[2,4]", Map.of(), train);
        TrainingResult retried = withSpark("local[2,4]", Map.of(FaultInjection.KEY, "2:0"), train);
        assertEquals(1, FAILED_TASKS.get(), "the injected failure happened");
        assertEquals(0.0, undisturbed.state().maxAbsDifference(retried.state()));
    }

    /** The CLI's default density, so the test exercises what users get. */
    private static final class TrainingConfigDefaults {
        static final double DENSITY = dev.sparkcnn.driver.config.StrategyFields.DEFAULT_THRESHOLD_DENSITY;
    }
}
