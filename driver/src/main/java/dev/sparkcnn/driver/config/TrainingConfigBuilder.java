package dev.sparkcnn.driver.config;

import dev.sparkcnn.datasets.Augmentation;
import dev.sparkcnn.kernels.optim.LrScaling;
import dev.sparkcnn.kernels.optim.Optimizer;
import java.util.List;

/**
 * Builds a {@link TrainingConfig} setting by setting; every setting not given takes the default of
 * the part it belongs to. {@link TrainingConfig#builder} takes the required ones.
 */
public final class TrainingConfigBuilder {
    private String data;
    private DataFormat format;
    private LabelSet labelSet;
    private Integer imageSize;
    private BadRecordPolicy onBadRecord;
    private Double testFraction;
    private Augmentation augmentation;
    private String normalize;
    private String model;
    private Engine engine;
    private Optimizer optimizer;
    private Double learningRate;
    private Integer batchSize;
    private String strategy;
    private Integer averagingFrequency;
    private GradientExchange exchange;
    private Double thresholdDensity;
    private Boolean verifyReplicas;
    private String master;
    private Integer partitions;
    private Integer epochs;
    private Long seed;
    private Integer threadsPerTask;
    private Integer restarts;
    private Storage storage;
    private String out;
    private Boolean overwrite;
    private String checkpointDir;
    private Integer checkpointEvery;
    private String initFrom;
    private Double lrFactor;
    private Integer validateEvery;
    private Boolean keepBest;
    private Double weightDecay;
    private Double labelSmoothing;
    private String lrSchedule;
    private Double lrGamma;
    private Integer lrStepEvery;
    private List<Integer> lrMilestones;
    private Double lrFloor;
    private Integer warmupEpochs;
    private Integer warmupSteps;
    private LrScaling lrScaling;

    TrainingConfigBuilder() {
    }

    // ---- data
    public TrainingConfigBuilder data(String v) { data = v; return this; }
    public TrainingConfigBuilder format(DataFormat v) { format = v; return this; }
    public TrainingConfigBuilder labelSet(LabelSet v) { labelSet = v; return this; }
    public TrainingConfigBuilder imageSize(Integer v) { imageSize = v; return this; }
    public TrainingConfigBuilder onBadRecord(BadRecordPolicy v) { onBadRecord = v; return this; }
    public TrainingConfigBuilder testFraction(Double v) { testFraction = v; return this; }
    public TrainingConfigBuilder augmentation(Augmentation v) { augmentation = v; return this; }
    public TrainingConfigBuilder normalize(String v) { normalize = v; return this; }

    // ---- model
    public TrainingConfigBuilder model(String v) { model = v; return this; }
    public TrainingConfigBuilder engine(Engine v) { engine = v; return this; }
    public TrainingConfigBuilder optimizer(Optimizer v) { optimizer = v; return this; }
    public TrainingConfigBuilder learningRate(Double v) { learningRate = v; return this; }
    public TrainingConfigBuilder batchSize(Integer v) { batchSize = v; return this; }

    // ---- strategy: by name and fields, or as settings
    public TrainingConfigBuilder strategy(String v) { strategy = v; return this; }
    public TrainingConfigBuilder averagingFrequency(Integer v) { averagingFrequency = v; return this; }
    public TrainingConfigBuilder exchange(GradientExchange v) { exchange = v; return this; }
    public TrainingConfigBuilder thresholdDensity(Double v) { thresholdDensity = v; return this; }
    public TrainingConfigBuilder verifyReplicas(Boolean v) { verifyReplicas = v; return this; }

    /** The strategy and all its settings. */
    public TrainingConfigBuilder strategy(StrategySettings s) {
        StrategyFields f = s.fields();
        return strategy(f.strategy()).averagingFrequency(f.averagingFrequency()).exchange(f.exchange())
                .thresholdDensity(f.thresholdDensity()).verifyReplicas(f.verifyReplicas());
    }

    // ---- run
    public TrainingConfigBuilder master(String v) { master = v; return this; }
    public TrainingConfigBuilder partitions(Integer v) { partitions = v; return this; }
    public TrainingConfigBuilder epochs(Integer v) { epochs = v; return this; }
    public TrainingConfigBuilder seed(Long v) { seed = v; return this; }
    public TrainingConfigBuilder threadsPerTask(Integer v) { threadsPerTask = v; return this; }
    public TrainingConfigBuilder restarts(Integer v) { restarts = v; return this; }
    public TrainingConfigBuilder storage(Storage v) { storage = v; return this; }

    // ---- output
    public TrainingConfigBuilder out(String v) { out = v; return this; }
    public TrainingConfigBuilder overwrite(Boolean v) { overwrite = v; return this; }
    public TrainingConfigBuilder checkpointDir(String v) { checkpointDir = v; return this; }
    public TrainingConfigBuilder checkpointEvery(Integer v) { checkpointEvery = v; return this; }

    // ---- warm start
    public TrainingConfigBuilder initFrom(String v) { initFrom = v; return this; }
    public TrainingConfigBuilder lrFactor(Double v) { lrFactor = v; return this; }

    // ---- validation
    public TrainingConfigBuilder validateEvery(Integer v) { validateEvery = v; return this; }
    public TrainingConfigBuilder keepBest(Boolean v) { keepBest = v; return this; }

    // ---- training options
    public TrainingConfigBuilder weightDecay(Double v) { weightDecay = v; return this; }
    public TrainingConfigBuilder labelSmoothing(Double v) { labelSmoothing = v; return this; }
    public TrainingConfigBuilder lrSchedule(String v) { lrSchedule = v; return this; }
    public TrainingConfigBuilder lrGamma(Double v) { lrGamma = v; return this; }
    public TrainingConfigBuilder lrStepEvery(Integer v) { lrStepEvery = v; return this; }
    public TrainingConfigBuilder lrMilestones(List<Integer> v) { lrMilestones = v; return this; }
    public TrainingConfigBuilder lrFloor(Double v) { lrFloor = v; return this; }
    public TrainingConfigBuilder warmupEpochs(Integer v) { warmupEpochs = v; return this; }
    public TrainingConfigBuilder warmupSteps(Integer v) { warmupSteps = v; return this; }
    public TrainingConfigBuilder lrScaling(LrScaling v) { lrScaling = v; return this; }

    /** @throws ConfigException naming the first option whose value is wrong */
    public TrainingConfig build() {
        DataSettings d = new DataSettings(data, format, labelSet, imageSize, onBadRecord,
                or(testFraction, DataSettings.DEFAULT_TEST_FRACTION), augmentation, normalize);
        ModelSettings m = new ModelSettings(or(model, ModelSettings.DEFAULT_NAME),
                or(engine, ModelSettings.DEFAULT_ENGINE), optimizer, learningRate, batchSize);
        StrategySettings s = StrategyRegistry.settings(new StrategyFields(
                or(strategy, StrategyFields.DEFAULT_STRATEGY),
                or(averagingFrequency, StrategyFields.DEFAULT_AVERAGING_FREQUENCY),
                or(exchange, StrategyFields.DEFAULT_EXCHANGE),
                or(thresholdDensity, StrategyFields.DEFAULT_THRESHOLD_DENSITY), or(verifyReplicas, false)));
        RunSettings r = new RunSettings(or(master, RunSettings.DEFAULT_MASTER),
                or(partitions, RunSettings.DEFAULT_PARTITIONS), or(epochs, RunSettings.DEFAULT_EPOCHS),
                or(seed, RunSettings.DEFAULT_SEED), threadsPerTask, restarts, storage);
        OutputSettings o = new OutputSettings(out, or(overwrite, false), checkpointDir, checkpointEvery);
        OptimizationSettings t = new OptimizationSettings(weightDecay, labelSmoothing, new ScheduleSettings(lrSchedule,
                lrGamma, lrStepEvery, lrMilestones, lrFloor, warmupEpochs, warmupSteps), lrScaling);
        return new TrainingConfig(d, m, s, r, o, new WarmStart(initFrom, lrFactor),
                new ValidationSettings(validateEvery, keepBest), t);
    }

    private static <T> T or(T value, T otherwise) {
        return value != null ? value : otherwise;
    }
}
