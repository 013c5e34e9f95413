package dev.sparkcnn.driver.ml;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Engine;
import dev.sparkcnn.driver.config.GradientExchange;
import dev.sparkcnn.driver.config.ModelSettings;
import dev.sparkcnn.driver.config.OptimizationSettings;
import dev.sparkcnn.driver.config.RunSettings;
import dev.sparkcnn.driver.config.StrategyFields;
import dev.sparkcnn.driver.config.StrategyRegistry;
import dev.sparkcnn.driver.config.StrategySettings;
import dev.sparkcnn.driver.jobs.Preflight;
import dev.sparkcnn.driver.spark.SparkRuntime;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.driver.train.Strategies;
import dev.sparkcnn.driver.train.TrainingResult;
import dev.sparkcnn.driver.train.TrainingRun;
import dev.sparkcnn.driver.train.TrainingStrategy;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.optim.Optimizer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sparkcnn training as a Spark ML {@code Estimator}, so a CNN is one stage of a {@code Pipeline}:
 * {@link #fit} checks the DataFrame on the driver, turns it into image records and runs the same
 * training strategies as {@code sparkcnn train}. Unset {@code batchSize}, {@code learningRate} and
 * {@code optimizer} take the model's defaults, unset {@code partitions} the DataFrame's, unset {@code numClasses}
 * the largest label + 1. Written and read with Spark's default params format.
 */
public final class CnnClassifier extends Estimator<CnnClassificationModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    private final String uid;
    private final Param<String> model;
    private final Param<String> engine;
    private final Param<String> strategy;
    private final Param<String> exchange;
    private final Param<String> optimizer;
    private final DoubleParam thresholdDensity;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final DoubleParam learningRate;
    private final IntParam averagingFrequency;
    private final IntParam partitions;
    private final LongParam seed;
    private final IntParam numClasses;
    private final IntArrayParam imageShape;
    private final Param<String> imageCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final IntParam predictionBatchSize;
    private final Param<String> handleInvalid;
    private final TrainingParams training;

    public CnnClassifier() {
        this(Identifiable$.MODULE$.randomUID("cnnClassifier"));
    }

    /** Spark's readers and {@code copy} create instances through this constructor. */
    public CnnClassifier(String uid) {
        this.uid = uid;
        model = new Param<>(this, "model", "catalogue model (" + String.join(", ", ModelCatalogue.names())
                + ") or a definition file on the driver", CnnParams.modelValidator());
        engine = new Param<>(this, "engine", "network implementation: " + String.join(", ", Engine.ids()),
                ParamValidators.inArray(Engine.ids()));
        strategy = new Param<>(this, "strategy", "training strategy: " + String.join(", ", StrategyRegistry.names()),
                ParamValidators.inArray(StrategyRegistry.names()));
        exchange = new Param<>(this, "exchange", "gradient-sharing: what replicas exchange every step: "
                + String.join(", ", GradientExchange.ids()), ParamValidators.inArray(GradientExchange.ids()));
        optimizer = new Param<>(this, "optimizer", "optimizer: " + String.join(", ", Optimizer.ids())
                + "; unset = the model's default", ParamValidators.inArray(Optimizer.ids()));
        thresholdDensity = new DoubleParam(this, "thresholdDensity", "threshold exchange: fraction of values sent "
                + "per step, in (0, 1]", ParamValidators.inRange(0, 1, false, true));
        epochs = new IntParam(this, "epochs", "passes over the training data (>= 1)", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "mini-batch size per task (>= 1); unset = the model's default",
                ParamValidators.gtEq(1));
        learningRate = new DoubleParam(this, "learningRate", "optimizer learning rate (> 0); unset = the model's",
                ParamValidators.gt(0));
        averagingFrequency = new IntParam(this, "averagingFrequency", "parameter-averaging: local steps between "
                + "two averages (>= 1)", ParamValidators.gtEq(1));
        partitions = new IntParam(this, "partitions", "parallel training tasks (>= 1); unset = the DataFrame's "
                + "partitions", ParamValidators.gtEq(1));
        seed = new LongParam(this, "seed", "seed of initialisation and shuffles");
        numClasses = new IntParam(this, "numClasses", "output classes (>= 2); unset = largest label + 1",
                ParamValidators.gtEq(2));
        imageShape = CnnParams.imageShape(this);
        imageCol = CnnParams.imageCol(this);
        labelCol = CnnParams.labelCol(this);
        predictionCol = CnnParams.predictionCol(this);
        probabilityCol = CnnParams.probabilityCol(this);
        predictionBatchSize = CnnParams.predictionBatchSize(this);
        handleInvalid = CnnParams.handleInvalid(this);
        training = new TrainingParams(this);
        setDefault(handleInvalid, CnnParams.ERROR);
        setDefault(model, ModelSettings.DEFAULT_NAME);
        setDefault(engine, ModelSettings.DEFAULT_ENGINE.id());
        setDefault(strategy, StrategyFields.DEFAULT_STRATEGY);
        setDefault(exchange, StrategyFields.DEFAULT_EXCHANGE.id());
        setDefault(thresholdDensity, StrategyFields.DEFAULT_THRESHOLD_DENSITY);
        setDefault(epochs, RunSettings.DEFAULT_EPOCHS);
        setDefault(averagingFrequency, StrategyFields.DEFAULT_AVERAGING_FREQUENCY);
        setDefault(seed, RunSettings.DEFAULT_SEED);
        setDefault(imageCol, CnnParams.DEFAULT_IMAGE_COL);
        setDefault(labelCol, CnnParams.DEFAULT_LABEL_COL);
        setDefault(predictionCol, CnnParams.DEFAULT_PREDICTION_COL);
        setDefault(probabilityCol, CnnParams.DEFAULT_PROBABILITY_COL);
        setDefault(predictionBatchSize, CnnParams.DEFAULT_PREDICTION_BATCH);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params (public no-argument methods returning a Param: Spark finds them by reflection) ----

    public Param<String> model() { return model; }
    public Param<String> engine() { return engine; }
    public Param<String> strategy() { return strategy; }
    public Param<String> exchange() { return exchange; }
    public DoubleParam thresholdDensity() { return thresholdDensity; }
    public Param<String> optimizer() { return optimizer; }
    public IntParam epochs() { return epochs; }
    public IntParam batchSize() { return batchSize; }
    public DoubleParam learningRate() { return learningRate; }
    public IntParam averagingFrequency() { return averagingFrequency; }
    public IntParam partitions() { return partitions; }
    public LongParam seed() { return seed; }
    public IntParam numClasses() { return numClasses; }
    public IntArrayParam imageShape() { return imageShape; }
    public Param<String> imageCol() { return imageCol; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> probabilityCol() { return probabilityCol; }
    public IntParam predictionBatchSize() { return predictionBatchSize; }
    public Param<String> handleInvalid() { return handleInvalid; }
    public DoubleParam weightDecay() { return training.weightDecay; }
    public DoubleParam labelSmoothing() { return training.labelSmoothing; }
    public Param<String> lrSchedule() { return training.lrSchedule; }
    public DoubleParam lrGamma() { return training.lrGamma; }
    public IntArrayParam lrMilestones() { return training.lrMilestones; }
    public IntParam lrStepEvery() { return training.lrStepEvery; }
    public DoubleParam lrFloor() { return training.lrFloor; }
    public IntParam warmupEpochs() { return training.warmupEpochs; }
    public IntParam warmupSteps() { return training.warmupSteps; }
    public Param<String> lrScaling() { return training.lrScaling; }

    // ---- setters: check first, so a bad value names the param and what is allowed ----

    public CnnClassifier setModel(String v) {
        return put(model, CnnParams.model(v));
    }

    public CnnClassifier setEngine(String v) {
        return put(engine, CnnParams.oneOf("engine", v, Engine.ids()));
    }

    public CnnClassifier setStrategy(String v) {
        return put(strategy, CnnParams.oneOf("strategy", v, StrategyRegistry.names()));
    }

    public CnnClassifier setExchange(String v) {
        return put(exchange, CnnParams.oneOf("exchange", v, GradientExchange.ids()));
    }

    public CnnClassifier setOptimizer(String v) {
        return put(optimizer, CnnParams.oneOf("optimizer", v, Optimizer.ids()));
    }

    public CnnClassifier setThresholdDensity(double v) {
        require(v > 0 && v <= 1, "thresholdDensity", "must be in (0, 1], got " + v);
        return put(thresholdDensity, v);
    }

    public CnnClassifier setEpochs(int v) {
        return put(epochs, atLeast("epochs", v, 1));
    }

    public CnnClassifier setBatchSize(int v) {
        return put(batchSize, atLeast("batchSize", v, 1));
    }

    public CnnClassifier setLearningRate(double v) {
        require(v > 0 && Double.isFinite(v), "learningRate", "must be a positive number, got " + v);
        return put(learningRate, v);
    }

    public CnnClassifier setAveragingFrequency(int v) {
        return put(averagingFrequency, atLeast("averagingFrequency", v, 1));
    }

    public CnnClassifier setPartitions(int v) {
        return put(partitions, atLeast("partitions", v, 1));
    }

    public CnnClassifier setSeed(long v) {
        return put(seed, v);
    }

    public CnnClassifier setNumClasses(int v) {
        return put(numClasses, atLeast("numClasses", v, 2));
    }

    public CnnClassifier setImageShape(int channels, int height, int width) {
        return put(imageShape, CnnParams.checkShape(new int[] {channels, height, width}));
    }

    public CnnClassifier setImageCol(String v) {
        return put(imageCol, column("imageCol", v));
    }

    public CnnClassifier setLabelCol(String v) {
        return put(labelCol, column("labelCol", v));
    }

    public CnnClassifier setPredictionCol(String v) {
        return put(predictionCol, column("predictionCol", v));
    }

    public CnnClassifier setProbabilityCol(String v) {
        return put(probabilityCol, column("probabilityCol", v));
    }

    /**
     * {@code error} (default): an invalid row fails {@code fit}; {@code skip}: it is left out. Also
     * the fitted model's {@code transform} setting, where {@code keep} is allowed too.
     */
    public CnnClassifier setHandleInvalid(String v) {
        return put(handleInvalid, CnnParams.oneOf("handleInvalid", v,
                java.util.List.of(CnnParams.ERROR, CnnParams.SKIP, CnnParams.KEEP)));
    }

    public CnnClassifier setPredictionBatchSize(int v) {
        return put(predictionBatchSize, atLeast("predictionBatchSize", v, 1));
    }

    // training options: checked together when fit starts, as train's options are (TrainingParams)
    public CnnClassifier setWeightDecay(double v) { return put(training.weightDecay, v); }
    public CnnClassifier setLabelSmoothing(double v) { return put(training.labelSmoothing, v); }
    public CnnClassifier setLrSchedule(String v) { return put(training.lrSchedule, v); }
    public CnnClassifier setLrGamma(double v) { return put(training.lrGamma, v); }
    public CnnClassifier setLrMilestones(int... v) { return put(training.lrMilestones, v); }
    public CnnClassifier setLrStepEvery(int v) { return put(training.lrStepEvery, v); }
    public CnnClassifier setLrFloor(double v) { return put(training.lrFloor, v); }
    public CnnClassifier setWarmupEpochs(int v) { return put(training.warmupEpochs, v); }
    public CnnClassifier setWarmupSteps(int v) { return put(training.warmupSteps, v); }
    public CnnClassifier setLrScaling(String v) { return put(training.lrScaling, v); }

    public String getModel() { return $(model); }
    public String getEngine() { return $(engine); }
    public String getStrategy() { return $(strategy); }
    public int getEpochs() { return (Integer) $(epochs); }
    public String getImageCol() { return $(imageCol); }
    public String getLabelCol() { return $(labelCol); }
    public long getSeed() { return (Long) $(seed); }

    // ---- the estimator ----

    @Override
    public StructType transformSchema(StructType schema) {
        ImageColumn.of(schema, getImageCol());
        ModelOutput.checkLabel(schema, getLabelCol());
        return ModelOutput.appendTo(schema, $(predictionCol), $(probabilityCol));
    }

    @Override
    public CnnClassificationModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        Dataset<Row> df = dataset.toDF();
        ImageColumn image = ImageColumn.of(df.schema(), getImageCol());
        Integer classesOrNull = isSet(numClasses) ? (Integer) $(numClasses) : null;
        boolean skip = CnnParams.SKIP.equals($(handleInvalid));
        if (CnnParams.KEEP.equals($(handleInvalid))) {
            throw new ConfigException("CnnClassifier handleInvalid 'keep' applies to transform only; fit takes "
                    + "'error' or 'skip' (set 'keep' on the fitted model)");
        }
        if (skip) {
            df = TrainingRecords.validRows(df, image, getLabelCol(),
                    isSet(imageShape) ? $(imageShape) : CnnParams.DEFAULT_IMAGE_SHAPE, classesOrNull);
        }
        DatasetSpec data = InputSummary.of(df, image, getLabelCol())
                .spec(isSet(imageShape) ? $(imageShape) : null, classesOrNull);
        ModelSpec specWithoutRun = modelSpec(data);
        OptimizationSettings options = training.settings(this); // checked before any Spark job
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
        int tasks = isSet(partitions) ? (Integer) $(partitions) : df.rdd().getNumPartitions();
        TrainingStrategy strategy = Strategies.create(strategySettings());
        int threads = SparkRuntime.taskCpus(sc);
        Preflight.slots("CnnClassifier partitions", strategy, getStrategy(), tasks, threads, sc.master());
        int batch = isSet(batchSize) ? (Integer) $(batchSize) : ModelCatalogue.defaults(getModel()).batchSize();
        TrainingRecords records = TrainingRecords.of(df, image, getLabelCol(),
                new int[] {data.channels(), data.height(), data.width(), data.numClasses()}, tasks, skip);
        try {
            ModelSpec spec = specWithoutRun.withTraining(options.options(specWithoutRun.training(), tasks,
                    records.largestPartition(), batch, getEpochs(), 0));
            TrainingRun run = new TrainingRun(spec, getEngine(),
                    ModelCatalogue.defaults(getModel()).normalization(data.channels()), batch, getEpochs(), getSeed(),
                    threads);
            LOG.info("CnnClassifier: {} rows ({} classes, {}x{}x{}) in {} partitions; model {}, engine {}, "
                            + "strategy {}, batch {}, {} epochs", records.total(), data.numClasses(), data.channels(),
                    data.height(), data.width(), tasks, spec.model(), getEngine(), getStrategy(), batch, getEpochs());
            TrainingResult result = strategy.fit(sc, records.rdd(), records.largestPartition(),
                    initialState(spec), run, (s, total, state) -> LOG.info(String.format(
                            "CnnClassifier round %d/%d epoch %d loss %.4f %.0f img/s", s.round(), total, s.epoch(),
                            s.loss(), s.imagesPerSecond())));
            SavedModel saved = new SavedModel(spec, getEngine(), data, run.normalization(), result.state());
            CnnClassificationModel fitted = new CnnClassificationModel(uid, saved).setParent(this);
            return copyValues(fitted, new ParamMap());
        } finally {
            records.release();
        }
    }

    @Override
    public CnnClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<CnnClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static CnnClassifier load(String path) {
        return read().load(path);
    }

    private ModelSpec modelSpec(DatasetSpec data) {
        try {
            return ModelSpec.of(getModel(), data, isSet(learningRate) ? (Double) $(learningRate) : null, getSeed())
                    .withOptimizer(isSet(optimizer) ? Optimizer.of($(optimizer)) : null);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("CnnClassifier model " + getModel() + ": " + e.getMessage());
        }
    }

    /** The strategy params as the configured strategy's settings (checked like {@code train}'s options). */
    private StrategySettings strategySettings() {
        return StrategyRegistry.settings(new StrategyFields(getStrategy(), (Integer) $(averagingFrequency),
                GradientExchange.of($(exchange)), (Double) $(thresholdDensity), false));
    }

    private ModelState initialState(ModelSpec spec) {
        try (Network net = NetworkFactory.create(spec, getEngine())) {
            return net.initialState();
        }
    }

    private <T> CnnClassifier put(Param<T> param, T value) {
        set(param, value);
        return this;
    }

    private static int atLeast(String param, int value, int min) {
        require(value >= min, param, "must be at least " + min + ", got " + value);
        return value;
    }

    private static String column(String param, String name) {
        require(name != null && !name.isBlank(), param, "must name a column, got '" + name + "'");
        return name;
    }

    private static void require(boolean ok, String param, String problem) {
        if (!ok) {
            throw new ConfigException("CnnClassifier " + param + " " + problem);
        }
    }
}
