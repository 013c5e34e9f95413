package dev.sparkcnn.driver.train;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.data.DataPlan;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.eval.Evaluation;
import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.optim.LrSchedule;
import dev.sparkcnn.kernels.optim.RunSteps;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Parameter averaging on local[2]: the equivalence oracle and a learning test. */
@SparkTest
class ParameterAveragingSparkTest {
    @TempDir
    static Path tmp;
    private static JavaSparkContext sc;
    private static HadoopConf hadoop;

    @BeforeAll
    static void start(JavaSparkContext spark) {
        sc = spark;
        hadoop = new HadoopConf(sc.hadoopConfiguration());
    }


    @ParameterizedTest
    @ValueSource(strings = {"native", "dl4j"})
    void onePartitionEqualsTheSingleProcessTrainer(String engine) {
        LocatedDataset data = locate("small-" + engine, 2, 60, 10);
        DataPlan plan = DataPlan.create(sc, hadoop, data, 1, 0.2, 5);
        int k = 2;
        TrainingRun run = run("cifar-cnn", engine, data, 16, 2, 1);
        ModelState initial = initial(run.spec(), engine);

        List<ImageRecord> records = new ArrayList<>(plan.train().collect());
        ModelState local = LocalTrainer.train(records, 0, initial, run, k);
        TrainingResult spark = new ParameterAveraging(k).fit(sc, plan.train(), records.size(), initial, run,
                (s, total, state) -> { });
        plan.release();

        assertEquals(2 * run.roundsPerEpoch(k, records.size()), spark.rounds().size());
        assertEquals(local.iteration(), spark.state().iteration());
        assertTrue(local.maxAbsDifference(initial) > 1e-3, "training moved the parameters");
        double diff = local.maxAbsDifference(spark.state());
        assertTrue(diff < 1e-5, "parameters and updater state equal within float tolerance, max diff " + diff);
    }

    /** The oracle with weight decay, label smoothing and warm-up + cosine on: the rate is the same function of the step. */
    @ParameterizedTest
    @ValueSource(strings = {"native", "dl4j"})
    void onePartitionEqualsTheSingleProcessTrainerWithAScheduleOn(String engine) {
        LocatedDataset data = locate("options-" + engine, 2, 60, 10);
        DataPlan plan = DataPlan.create(sc, hadoop, data, 1, 0.2, 5);
        int k = 2;
        List<ImageRecord> records = new ArrayList<>(plan.train().collect());
        TrainingRun plain = run("cifar-cnn", engine, data, 16, 2, 1);
        TrainingOptions options = new TrainingOptions(1e-3, 0.1, LrSchedule.cosine(1e-5).withWarmupSteps(3),
                new RunSteps(0, RunSteps.stepsPerEpoch(records.size(), 16), 2, 1));
        TrainingRun run = new TrainingRun(plain.spec().withTraining(options), engine, plain.normalization(), 16, 2,
                11, 1);
        ModelState initial = initial(run.spec(), engine);

        ModelState local = LocalTrainer.train(records, 0, initial, run, k);
        TrainingResult spark = new ParameterAveraging(k).fit(sc, plan.train(), records.size(), initial, run,
                (s, total, state) -> { });
        ModelState withoutOptions = LocalTrainer.train(records, 0, initial, plain, k);
        plan.release();

        assertEquals(local.iteration(), spark.state().iteration());
        assertEquals(2 * options.run().stepsPerEpoch(), local.iteration(), "the schedule's steps are the run's");
        assertTrue(local.maxAbsDifference(withoutOptions) > 1e-4, "the options changed the training");
        double diff = local.maxAbsDifference(spark.state());
        assertTrue(diff < 1e-5, "parameters and updater state equal within float tolerance, max diff " + diff);
    }

    @Test
    void cifarCnnLearnsTheGeneratedSetOnTwoPartitions() {
        LocatedDataset data = locate("learnable", 3, 1000, 500);
        DataPlan plan = DataPlan.create(sc, hadoop, data, 2, 0.2, 42);
        TrainingRun run = run("cifar-cnn", "native", data, 64, 2, 1);
        int built = TaskNetworks.built();
        TrainingResult result = new ParameterAveraging(5).fit(sc, plan.train(), plan.trainCounts()[0],
                initial(run.spec(), "native"), run, (s, total, state) -> { });
        EvaluationReport report = EvaluationReport.of(Evaluation.countsPerPartition(sc, plan.test(),
                result.state(), run), data.spec().classNames());
        plan.release();
        assertTrue(TaskNetworks.built() - built <= 2, "two concurrent tasks need at most two networks over "
                + result.rounds().size() + " rounds, built " + (TaskNetworks.built() - built));
        assertTrue(report.accuracy() >= 0.90, "test accuracy " + report.accuracy() + " on 10 classes");
        double first = result.rounds().get(0).loss();
        double last = result.rounds().get(result.rounds().size() - 1).loss();
        assertTrue(last < first / 3, "loss fell from " + first + " to " + last);
    }

    private static LocatedDataset locate(String name, int files, int perFile, int test) {
        Path dir = TestData.cifar(tmp.resolve(name), files, perFile, test);
        return new DatasetLocator(hadoop).locate(dir.toString(), null);
    }

    private static TrainingRun run(String model, String engine, LocatedDataset data, int batch, int epochs,
                                   int threads) {
        ModelSpec spec = ModelSpec.of(model, data.spec(), null, 11);
        return new TrainingRun(spec, engine, ModelCatalogue.defaults(model).normalization(data.spec().channels()),
                batch, epochs, 11, threads);
    }

    private static ModelState initial(ModelSpec spec, String engine) {
        try (Network net = NetworkFactory.create(spec, engine)) {
            return net.initialState();
        }
    }
}
