package dev.sparkcnn.driver.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    static TrainingConfig valid() {
        return new TrainingConfig("data/x", "cifar10", null, null, null, "cifar-cnn", "dl4j", "parameter-averaging", "local[2]",
                2, 3, null, 5, 0.2, 42, null, null, "models/x", false);
    }

    @Test
    void roundTripsThroughJsonExactly() {
        TrainingConfig c = new TrainingConfig("hdfs://nn/x", "cifar100", "coarse", null, "skip", "mnist-cnn", "dl4j",
                "parameter-averaging", "spark://h:7077", 8, 11, 96, 3, 0.125, -7L, 0.0003, 2, "s3a://b/m", true);
        TrainingConfig back = Json.read(Json.write(c), TrainingConfig.class, "test");
        assertEquals(c, back);
        assertEquals(Json.write(c), Json.write(back));
        assertEquals(valid(), Json.read(Json.write(valid()), TrainingConfig.class, "test"));
    }

    @Test
    void transformsRoundTripCanonicallyAndDefaultToNone() {
        TrainingConfig c = new TrainingConfig("d", null, null, null, null, "cifar-cnn", "native", "gradient-sharing",
                "local", 2, 1, null, 5, 0.2, 1, null, null, "o", false, "sgd", "threshold", 0.1, true, "crop, flip",
                "0.49,0.48,0.45,0.25,0.24,0.26");
        assertEquals("flip,crop", c.augment());
        TrainingConfig back = Json.read(Json.write(c), TrainingConfig.class, "test");
        assertEquals(c, back);
        assertEquals(Json.write(c), Json.write(back));
        assertEquals(NormalizationSetting.GIVEN, back.normalization().mode());
        assertEquals("none", valid().augment());
        assertEquals(dev.sparkcnn.datasets.Augmentation.NONE, valid().augmentation());
        assertEquals("model", valid().normalize());
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
        TrainingConfig c = new TrainingConfig("d", "cifar10", null, null, null, "cifar-cnn", "native",
                "gradient-sharing", "local[2]", 2, 3, null, 5, 0.2, 42, null, null, "s3a://b/m", false, null, "dense",
                0.03, false, "hdfs://nn/ckpt", 4, "models/old", 0.1);
        assertEquals(c, Json.read(Json.write(c), TrainingConfig.class, "test"));
        assertEquals("hdfs://nn/ckpt", c.effectiveCheckpointDir());
        assertEquals("models/x.checkpoints", Json.read(Json.write(valid()).replace("\"checkpointEvery\" : 0",
                "\"checkpointEvery\" : null"), TrainingConfig.class, "t").effectiveCheckpointDir(),
                "default: beside --out");
        assertEquals(null, valid().effectiveCheckpointDir(), "the convenience constructor writes no checkpoints");
        assertBad("--checkpoint-every", () -> warm(-1, "m", 0.1, null));
        assertBad("--checkpoint-dir", () -> new TrainingConfig("d", "cifar10", null, null, null, "cifar-cnn", "native",
                "parameter-averaging", "local", 2, 1, null, 5, 0.2, 1, null, null, "models/m", false, null, "dense",
                0.03, false, "models/m/", 1, null, null));
        assertBad("--lr-factor", () -> warm(1, null, 0.1, null));
        assertBad("--lr-factor", () -> warm(1, "m", 0.1, 0.01));
        assertBad("--lr-factor", () -> warm(1, "m", 0.0, null));
    }

    private static TrainingConfig warm(int every, String initFrom, Double factor, Double lr) {
        return new TrainingConfig("d", "cifar10", null, null, null, "cifar-cnn", "native", "parameter-averaging",
                "local", 2, 1, null, 5, 0.2, 1, lr, null, "m", false, null, "dense", 0.03, false, null, every, initFrom,
                factor);
    }

    @Test
    void defaultBatchSizeIsTheModels() {
        assertEquals(64, valid().effectiveBatchSize());
    }

    @Test
    void rejectsEachBadValueNamingTheOption() {
        assertBad("--epochs", () -> copy(0, 2, 5, 0.2, null, "cifar-cnn", "cifar10", "parameter-averaging"));
        assertBad("--partitions", () -> copy(1, 0, 5, 0.2, null, "cifar-cnn", "cifar10", "parameter-averaging"));
        assertBad("--averaging-frequency", () -> copy(1, 2, 0, 0.2, null, "cifar-cnn", "cifar10",
                "parameter-averaging"));
        assertBad("--batch-size", () -> copy(1, 2, 5, 0.2, 0, "cifar-cnn", "cifar10", "parameter-averaging"));
        assertBad("--test-fraction", () -> copy(1, 2, 5, 0.0, null, "cifar-cnn", "cifar10", "parameter-averaging"));
        assertBad("--test-fraction", () -> copy(1, 2, 5, 1.0, null, "cifar-cnn", "cifar10", "parameter-averaging"));
        assertBad("--test-fraction", () -> copy(1, 2, 5, 1.5, null, "cifar-cnn", "cifar10", "parameter-averaging"));
        assertBad("--model", () -> copy(1, 2, 5, 0.2, null, "resnet-9000", "cifar10", "parameter-averaging"));
        assertBad("--format", () -> copy(1, 2, 5, 0.2, null, "cifar-cnn", "jpeg", "parameter-averaging"));
        assertBad("--strategy", () -> copy(1, 2, 5, 0.2, null, "cifar-cnn", "cifar10", "allreduce"));
        assertBad("--label-set", () -> withLabels("cifar100", "medium"));
        assertBad("--label-set", () -> withLabels("cifar10", "coarse"));
        assertEquals("coarse", withLabels(null, "coarse").labelSet(), "format detected later");
        assertEquals("fine", withLabels("cifar100", "fine").labelSet());
        assertBad("--image-size", () -> images("images", 3, null));
        assertBad("--image-size", () -> images("cifar10", 32, null));
        assertBad("--on-bad-record", () -> images("images", 32, "ignore"));
        assertTrue(images(null, 64, "skip").skipBadRecords());
        assertBad("--augment", () -> transforms("flip,zoom", null));
        assertBad("--normalize", () -> transforms(null, "0.5"));
        assertBad("--normalize", () -> transforms(null, "mean"));
    }

    private static TrainingConfig transforms(String augment, String normalize) {
        return new TrainingConfig("d", null, null, null, null, "cifar-cnn", "native", "parameter-averaging", "local", 2,
                1, null, 5, 0.2, 1, null, null, "o", false, null, "dense", 0.03, false, augment, normalize);
    }

    private static TrainingConfig images(String format, Integer size, String policy) {
        return new TrainingConfig("d", format, null, size, policy, "cifar-cnn", "dl4j", "parameter-averaging", "local",
                2, 1, null, 5, 0.2, 1, null, null, "o", false);
    }

    private static TrainingConfig withLabels(String format, String labelSet) {
        return new TrainingConfig("d", format, labelSet, null, null, "cifar-cnn", "dl4j", "parameter-averaging", "local", 2, 1,
                null, 5, 0.2, 1, null, null, "o", false);
    }

    private static TrainingConfig copy(int epochs, int partitions, int k, double fraction, Integer batch,
                                       String model, String format, String strategy) {
        return new TrainingConfig("d", format, null, null, null, model, "dl4j", strategy, "local", partitions, epochs, batch, k,
                fraction, 1, null, null, "o", false);
    }

    private static void assertBad(String option, Runnable r) {
        ConfigException e = assertThrows(ConfigException.class, r::run);
        assertTrue(e.getMessage().startsWith(option + " "), e.getMessage());
    }
}
