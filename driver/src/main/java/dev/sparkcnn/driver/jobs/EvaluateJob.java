package dev.sparkcnn.driver.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.config.BadRecordPolicy;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.DataSettings;
import dev.sparkcnn.driver.config.DatasetFormat;
import dev.sparkcnn.driver.config.RunSettings;
import dev.sparkcnn.driver.data.DataPlan;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.eval.Evaluation;
import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.spark.SparkRuntime;
import dev.sparkcnn.driver.spark.StopWatchdog;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.driver.train.TrainingRun;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code sparkcnn evaluate}: a stored model on data. By default the data, partitioning, seed and
 * test fraction of the model's own run are used, so the held-out split is exactly the one the
 * model never trained on; the dataset's own test files are evaluated too.
 */
public final class EvaluateJob {

    /** What to evaluate; null fields fall back to the model's config.json. */
    public record Request(String modelDir, String data, String format, String master, Integer partitions,
                          Long seed, Double testFraction, Integer batchSize, Map<String, String> sparkConf) {
    }

    private final Request request;
    private final PrintWriter out;

    public EvaluateJob(Request request, PrintWriter out) {
        this.request = request;
        this.out = out;
    }

    /** Runs the evaluation; returns the reports by name ("test", "officialTest"). */
    public Map<String, EvaluationReport> run() {
        HadoopConf hadoop = new HadoopConf(new Configuration());
        SavedModel model = ModelDirectory.read(hadoop, request.modelDir());
        JsonNode trained = ModelDirectory.readConfig(hadoop, request.modelDir());
        String data = orElse(request.data(), trained, "data");
        String format = request.format() != null ? request.format() : trained.path("format").asText(null);
        int partitions = request.partitions() != null ? request.partitions()
                : trained.path("partitions").asInt(RunSettings.DEFAULT_PARTITIONS);
        long seed = request.seed() != null ? request.seed() : trained.path("seed").asLong(RunSettings.DEFAULT_SEED);
        double fraction = request.testFraction() != null ? request.testFraction()
                : trained.path("testFraction").asDouble(DataSettings.DEFAULT_TEST_FRACTION);
        int batch = request.batchSize() != null ? request.batchSize() : trained.path("batchSize").asInt(64);
        if (partitions < 1 || batch < 1 || !(fraction > 0 && fraction < 1)) {
            throw new ConfigException("--partitions and --batch-size must be at least 1 and --test-fraction strictly "
                    + "between 0 and 1");
        }
        String labelSet = trained.path("labelSet").asText(null);
        DatasetFormat known = format == null ? null : DatasetFormat.of(format);
        Integer imageSize = trained.hasNonNull("imageSize") && (known == null || known.resizes())
                ? trained.get("imageSize").asInt() : null;
        LocatedDataset dataset = new DatasetLocator(hadoop).locate(data, format,
                known == null || known.hasLabelSets() ? labelSet : null, imageSize);
        checkCompatible(model.data(), dataset.spec(), data);

        String master = request.master() != null ? request.master() : RunSettings.DEFAULT_MASTER;
        JavaSparkContext sc = SparkRuntime.start("sparkcnn evaluate", master, request.sparkConf());
        StopWatchdog watchdog = StopWatchdog.watch(sc, "evaluate");
        try {
            hadoop = new HadoopConf(sc.hadoopConfiguration());
            TrainingRun run = new TrainingRun(model.spec(), model.engine(), model.normalization(), batch, 1, seed,
                    SparkRuntime.taskCpus(sc));
            DataPlan plan = DataPlan.create(sc, hadoop, dataset, partitions, fraction, seed,
                    BadRecordPolicy.SKIP.id().equals(trained.path("onBadRecord").asText(null)));
            Map<String, EvaluationReport> reports = new LinkedHashMap<>();
            reports.put("test", evaluate(sc, plan.test(), model, run));
            out.print(reports.get("test").render("held-out split (" + fraction + " of each partition, seed " + seed
                    + ")"));
            JavaRDD<ImageRecord> official = plan.officialTest(sc, hadoop);
            if (official != null) {
                reports.put("officialTest", evaluate(sc, official, model, run));
                out.print(reports.get("officialTest").render("official test set (" + dataset.testRecords()
                        + " records)"));
            }
            plan.release();
            return reports;
        } finally {
            watchdog.stop();
        }
    }

    private static EvaluationReport evaluate(JavaSparkContext sc, JavaRDD<ImageRecord> data, SavedModel model,
                                             TrainingRun run) {
        return EvaluationReport.of(Evaluation.countsPerPartition(sc, data, model.state(), run),
                model.data().classNames());
    }

    private static String orElse(String given, JsonNode config, String field) {
        if (given != null) {
            return given;
        }
        String v = config.path(field).asText(null);
        if (v == null) {
            throw new ConfigException("--data is required: the model's config.json does not name its data");
        }
        return v;
    }

    static void checkCompatible(DatasetSpec model, DatasetSpec data, String where) {
        if (model.channels() != data.channels() || model.height() != data.height() || model.width() != data.width()
                || model.numClasses() != data.numClasses()) {
            throw new ConfigException("--data " + where + ": images are " + data.channels() + "x" + data.height() + "x"
                    + data.width() + " with " + data.numClasses() + " classes, but the model was trained on "
                    + model.channels() + "x" + model.height() + "x" + model.width() + " with " + model.numClasses()
                    + " classes");
        }
    }
}
