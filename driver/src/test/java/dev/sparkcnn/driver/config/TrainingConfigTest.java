package dev.sparkcnn.driver.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.optim.Optimizer;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    static TrainingConfig valid() {
        return TrainingConfig.builder("data/x", "models/x").format(DatasetFormat.CIFAR10).engine(Engine.DL4J)
                .master("local[2]").epochs(3).checkpointEvery(0).build();
    }

    private static TrainingConfigBuilder base() {
        return TrainingConfig.builder("d", "o").engine(Engine.DL4J).master("local").epochs(1).seed(1L);
    }

    @Test
    void roundTripsThroughJsonExactly() {
        TrainingConfig c = TrainingConfig.builder("hdfs://nn/x", "s3a://b/m").format(DatasetFormat.CIFAR100)
                .labelSet(LabelSet.COARSE).onBadRecord(BadRecordPolicy.SKIP).model("mnist-cnn").engine(Engine.DL4J)
                .master("spark://h:7077").partitions(8).epochs(11).batchSize(96).averagingFrequency(3)
                .testFraction(0.125).seed(-7L).learningRate(0.0003).threadsPerTask(2).overwrite(true).build();
        TrainingConfig back = Json.read(Json.write(c), TrainingConfig.class, "test");
        assertEquals(c, back);
        assertEquals(Json.write(c), Json.write(back));
        assertEquals(valid(), Json.read(Json.write(valid()), TrainingConfig.class, "test"));
        assertEquals(c, c.toBuilder().build(), "a builder of a configuration builds it again");
    }

    @Test
    void eachStrategyKeepsOnlyItsOwnSettings() {
        TrainingConfig gs = base().strategy(GradientSharingSettings.NAME).exchange(GradientExchange.THRESHOLD)
                .thresholdDensity(0.1).verifyReplicas(true).averagingFrequency(7).build();
        assertEquals(new GradientSharingSettings(GradientExchange.THRESHOLD, 0.1, true), gs.strategy());
        assertEquals(StrategyFields.DEFAULT_AVERAGING_FREQUENCY, gs.strategy().fields().averagingFrequency(),
                "K is not gradient sharing's: config.json shows the default");
        TrainingConfig pa = base().averagingFrequency(7).exchange(GradientExchange.THRESHOLD).build();
        assertEquals(new ParameterAveragingSettings(7), pa.strategy());
        assertEquals(GradientExchange.DENSE, pa.strategy().fields().exchange());
        TrainingConfig ar = base().strategy(new AllReduceAveragingSettings(4, true)).build();
        assertEquals(new AllReduceAveragingSettings(4, true), ar.strategy());
        assertEquals(ar, Json.read(Json.write(ar), TrainingConfig.class, "test"));
    }

    @Test
    void missingFieldsTakeTheirPartsDefaults() {
        TrainingConfig c = Json.read("{\"data\": \"d\", \"out\": \"o\"}", TrainingConfig.class, "test");
        assertEquals(ModelSettings.DEFAULT_NAME, c.model().name());
        assertEquals(ModelSettings.DEFAULT_ENGINE, c.model().engine());
        assertEquals(ParameterAveragingSettings.defaults(), c.strategy());
        assertEquals(RunSettings.DEFAULT_SEED, c.run().seed());
        assertEquals(RunSettings.DEFAULT_PARTITIONS, c.run().partitions());
        assertEquals(RunSettings.DEFAULT_EPOCHS, c.run().epochs());
        assertEquals(RunSettings.DEFAULT_MASTER, c.run().master());
        assertEquals(DataSettings.DEFAULT_TEST_FRACTION, c.data().testFraction());
        assertEquals(WarmStart.NONE, c.warmStart());
        ConfigException e = assertThrows(ConfigException.class,
                () -> Json.read("{\"data\": \"d\", \"epoch\": 3}", TrainingConfig.class, "c.json"));
        assertTrue(e.getMessage().startsWith("c.json: not a valid TrainingConfig: unknown field \"epoch\""),
                e.getMessage());
        assertBad("--epochs", () -> Json.read("{\"data\": \"d\", \"out\": \"o\", \"epochs\": 0}",
                TrainingConfig.class, "c.json"));
    }

    @Test
    void transformsRoundTripCanonicallyAndDefaultToNone() {
        TrainingConfig c = base().strategy(GradientSharingSettings.NAME).optimizer(Optimizer.SGD)
                .exchange(GradientExchange.THRESHOLD).thresholdDensity(0.1).verifyReplicas(true)
                .augmentation(DataSettings.augmentation("crop, flip")).normalize("0.49,0.48,0.45,0.25,0.24,0.26")
                .checkpointEvery(0).build();
        assertEquals("flip,crop", c.data().augmentation().id());
        TrainingConfig back = Json.read(Json.write(c), TrainingConfig.class, "test");
        assertEquals(c, back);
        assertEquals(Json.write(c), Json.write(back));
        assertEquals(NormalizationSetting.GIVEN, back.data().normalization().mode());
        assertEquals(dev.sparkcnn.datasets.Augmentation.NONE, valid().data().augmentation());
        assertEquals("model", valid().data().normalize());
        // a config.json written before these fields existed still reads
        String old = Json.write(valid()).replace(",\n  \"augment\" : \"none\"", "")
                .replace(",\n  \"normalize\" : \"model\"", "");
        assertTrue(!old.contains("augment") && !old.contains("normalize"), old);
        assertEquals(valid(), Json.read(old, TrainingConfig.class, "old"));
    }

    @Test
    void givenNormalizationFitsOnePairOrOnePairPerChannel() {
        NormalizationSetting pair = NormalizationSetting.parse("0.5,0.25");
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, pair.given(3).mean());
        assertArrayEquals(new float[] {0.25f}, pair.given(1).std());
        NormalizationSetting three = NormalizationSetting.parse("0.1,0.2,0.3,0.4,0.5,0.6");
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, three.given(3).mean());
        assertArrayEquals(new float[] {0.4f, 0.5f, 0.6f}, three.given(3).std());
        assertBad("--normalize", () -> three.given(1));
        assertEquals(NormalizationSetting.DATASET, NormalizationSetting.parse(" Dataset ").mode());
    }

    @Test
    void checkpointAndWarmStartFieldsRoundTripAndAreChecked() {
        TrainingConfig c = TrainingConfig.builder("d", "s3a://b/m").format(DatasetFormat.CIFAR10)
                .strategy(GradientSharingSettings.NAME).master("local[2]").epochs(3).checkpointDir("hdfs://nn/ckpt")
                .checkpointEvery(4).initFrom("models/old").lrFactor(0.1).build();
        assertEquals(c, Json.read(Json.write(c), TrainingConfig.class, "test"));
        assertEquals("hdfs://nn/ckpt", c.output().effectiveCheckpointDir());
        assertEquals("models/x.checkpoints", Json.read(Json.write(valid()).replace("\"checkpointEvery\" : 0",
                "\"checkpointEvery\" : null"), TrainingConfig.class, "t").output().effectiveCheckpointDir(),
                "default: beside --out");
        assertEquals(null, valid().output().effectiveCheckpointDir(), "checkpointEvery 0 writes no checkpoints");
        assertBad("--checkpoint-every", () -> warm(-1, "m", 0.1, null));
        assertBad("--checkpoint-dir", () -> TrainingConfig.builder("d", "models/m").checkpointDir("models/m/")
                .checkpointEvery(1).build());
        assertBad("--lr-factor", () -> warm(1, null, 0.1, null));
        assertBad("--lr-factor", () -> warm(1, "m", 0.1, 0.01));
        assertBad("--lr-factor", () -> warm(1, "m", 0.0, null));
    }

    private static TrainingConfig warm(int every, String initFrom, Double factor, Double lr) {
        return TrainingConfig.builder("d", "m").format(DatasetFormat.CIFAR10).learningRate(lr).checkpointEvery(every)
                .initFrom(initFrom).lrFactor(factor).build();
    }

    @Test
    void resumedAsKeepsTheRunAndTakesTheNewOutputAndMaster() {
        TrainingConfig c = base().checkpointEvery(2).build();
        TrainingConfig r = c.resumedAs("o2", true, "local[4]", "ck");
        assertEquals(c.data(), r.data());
        assertEquals(c.strategy(), r.strategy());
        assertEquals(new OutputSettings("o2", true, "ck", 2), r.output());
        assertEquals("local[4]", r.run().master());
        assertEquals(c.run().seed(), r.run().seed());
        assertEquals(c.output(), c.resumedAs(null, null, null, null).output());
    }

    @Test
    void defaultBatchSizeIsTheModels() {
        assertEquals(64, valid().model().effectiveBatchSize());
    }

    @Test
    void rejectsEachBadValueNamingTheOption() {
        assertBad("--epochs", () -> base().epochs(0).build());
        assertBad("--partitions", () -> base().partitions(0).build());
        assertBad("--averaging-frequency", () -> base().averagingFrequency(0).build());
        assertBad("--batch-size", () -> base().batchSize(0).build());
        assertBad("--test-fraction", () -> base().testFraction(0.0).build());
        assertBad("--test-fraction", () -> base().testFraction(1.0).build());
        assertBad("--test-fraction", () -> base().testFraction(1.5).build());
        assertBad("--model", () -> base().model("resnet-9000").build());
        assertBad("--format", () -> DatasetFormat.of("jpeg"));
        assertBad("--strategy", () -> base().strategy("allreduce").build());
        assertBad("--exchange", () -> GradientExchange.of("average"));
        assertBad("--engine", () -> Engine.of("cuda"));
        assertBad("--optimizer", () -> ModelSettings.optimizer("rmsprop"));
        assertBad("--threshold-density", () -> base().thresholdDensity(0.0).build());
        assertBad("--label-set", () -> LabelSet.of("medium"));
        assertBad("--label-set", () -> base().format(DatasetFormat.CIFAR10).labelSet(LabelSet.COARSE).build());
        assertEquals(LabelSet.COARSE, base().labelSet(LabelSet.COARSE).build().data().labelSet(),
                "format detected later");
        assertEquals(LabelSet.FINE, base().format(DatasetFormat.CIFAR100).labelSet(LabelSet.FINE).build().data()
                .labelSet());
        assertBad("--image-size", () -> base().format(DatasetFormat.IMAGES).imageSize(3).build());
        assertBad("--image-size", () -> base().format(DatasetFormat.CIFAR10).imageSize(32).build());
        assertBad("--on-bad-record", () -> BadRecordPolicy.of("ignore"));
        assertTrue(base().imageSize(64).onBadRecord(BadRecordPolicy.SKIP).build().data().skipBadRecords());
        assertBad("--augment", () -> DataSettings.augmentation("flip,zoom"));
        assertBad("--normalize", () -> base().normalize("0.5").build());
        assertBad("--normalize", () -> base().normalize("mean").build());
        assertBad("--data", () -> TrainingConfig.builder(null, "o").build());
        assertBad("--out", () -> TrainingConfig.builder("d", " ").build());
    }

    private static void assertBad(String option, Runnable r) {
        ConfigException e = assertThrows(ConfigException.class, r::run);
        assertTrue(e.getMessage().startsWith(option + " "), e.getMessage());
    }
}
