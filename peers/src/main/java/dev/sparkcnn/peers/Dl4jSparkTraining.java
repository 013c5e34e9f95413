package dev.sparkcnn.peers;

import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.bench.PeerRow;
import dev.sparkcnn.driver.bench.PeerRun;
import dev.sparkcnn.driver.data.DataPlan;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.spark.SparkRuntime;
import dev.sparkcnn.kernels.dl4j.Dl4jModels;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One dl4j-spark training run in its own Spark application: sparkcnn's data plan (same files,
 * partitions, split and seed), the records turned into DL4J {@link DataSet} mini-batches once and
 * cached, the DL4J engine's network for the model ({@link Dl4jModels}), then {@code epochs} calls
 * of {@link SparkDl4jMultiLayer#fit} (one pass each) and dl4j-spark's own evaluation.
 */
final class Dl4jSparkTraining {
    private final PeerRun run;
    private final Dl4jSparkMode mode;

    Dl4jSparkTraining(PeerRun run, Dl4jSparkMode mode) {
        this.run = run;
        this.mode = mode;
    }

    PeerRow run() {
        Map<String, String> conf = new java.util.HashMap<>(mode.sparkConf());
        conf.put("spark.ui.enabled", "false");
        JavaSparkContext sc = SparkRuntime.start("sparkcnn bench peers: " + mode.label(run), run.master(), conf);
        try {
            HadoopConf hadoop = new HadoopConf(sc.hadoopConfiguration());
            LocatedDataset dataset = new DatasetLocator(hadoop).locate(run.data(), null);
            ModelSpec spec = ModelSpec.of(run.model(), dataset.spec(), null, run.seed());
            Normalization normalization = ModelCatalogue.defaults(run.model()).normalization(spec.channels());
            DataPlan plan = DataPlan.create(sc, hadoop, dataset, run.workers(), run.testFraction(), run.seed());
            JavaRDD<DataSet> train = MiniBatches.of(plan.train(), spec, normalization, run.batchSize())
                    .persist(Dl4jSparkMode.STORAGE);
            long images = train.map(DataSet::numExamples).reduce(Integer::sum);

            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, Dl4jModels.configuration(spec), mode.master(run));
            float[] initial = net.getNetwork().params().toFloatVector();
            Executors executors = new Executors();
            sc.sc().addSparkListener(executors);
            double seconds = 0;
            double steadySeconds = 0;
            for (int epoch = 0; epoch < run.epochs(); epoch++) {
                long start = System.nanoTime();
                net.fit(train);
                double s = (System.nanoTime() - start) / 1e9;
                seconds += s;
                steadySeconds += epoch == 0 ? 0 : s;
            }
            if (java.util.Arrays.equals(initial, net.getNetwork().params().toFloatVector())) {
                // SharedTrainingMaster's workers log their exceptions and return: fit does not fail
                throw new IllegalStateException("fit returned but the parameters did not change: the workers "
                        + "failed (see the executors' logs)");
            }
            double imagesPerSecond = images * (run.epochs() - 1) / steadySeconds;
            double heldOut = accuracy(net, plan.test(), spec, normalization);
            JavaRDD<dev.sparkcnn.datasets.ImageRecord> official = plan.officialTest(sc, hadoop);
            Double test = official == null ? null : accuracy(net, official, spec, normalization);
            train.unpersist();
            net.getTrainingMaster().deleteTempFiles(sc);
            return new PeerRow(mode.label(run), imagesPerSecond, heldOut, test, seconds, executors.describe(), null);
        } finally {
            sc.stop();
        }
    }

    private double accuracy(SparkDl4jMultiLayer net, JavaRDD<dev.sparkcnn.datasets.ImageRecord> records,
                            ModelSpec spec, Normalization normalization) {
        return net.evaluate(MiniBatches.of(records, spec, normalization, run.batchSize())).accuracy();
    }

    /** The executors that ran tasks once training started (a listener on the driver). */
    private static final class Executors extends SparkListener {
        private final Set<String> ids = new TreeSet<>();

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
            ids.add(taskEnd.taskInfo().executorId());
        }

        synchronized String describe() {
            return "tasks ran on " + ids.size() + " executor" + (ids.size() == 1 ? "" : "s") + " " + ids;
        }
    }
}
