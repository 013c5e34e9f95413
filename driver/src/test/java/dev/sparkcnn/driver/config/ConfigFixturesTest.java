package dev.sparkcnn.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkcnn.driver.store.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every {@code config.json} written by commit 016d422 (checked in beside this test, with the
 * commands that wrote them) still loads, with every field as written, and is written back byte
 * for byte.
 */
class ConfigFixturesTest {
    private static final String DIR = "/dev/sparkcnn/driver/config/016d422/";

    /** The fields every fixture shares unless it says otherwise: the defaults of 016d422's train. */
    private static Map<String, Object> base(String out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", "/tmp/cfgfix/data");
        m.put("format", "cifar10");
        m.put("labelSet", null);
        m.put("imageSize", null);
        m.put("onBadRecord", null);
        m.put("model", "simple-cnn");
        m.put("engine", "native");
        m.put("strategy", "parameter-averaging");
        m.put("master", "local[*]");
        m.put("partitions", 2);
        m.put("epochs", 1);
        m.put("batchSize", null);
        m.put("averagingFrequency", 5);
        m.put("testFraction", 0.2);
        m.put("seed", 42L);
        m.put("learningRate", null);
        m.put("threadsPerTask", null);
        m.put("out", "/tmp/cfgfix/" + out);
        m.put("overwrite", false);
        m.put("optimizer", null);
        m.put("exchange", "dense");
        m.put("thresholdDensity", 0.03);
        m.put("verifyReplicas", false);
        m.put("augment", "none");
        m.put("normalize", "model");
        m.put("checkpointDir", null);
        m.put("checkpointEvery", null);
        m.put("initFrom", null);
        m.put("lrFactor", null);
        m.put("restarts", null);
        return m;
    }

    /** The loaded configuration's value of every config.json field (the one place that knows the API). */
    static Map<String, Object> fields(TrainingConfig c) {
        DataSettings d = c.data();
        ModelSettings m = c.model();
        StrategyFields s = c.strategy().fields();
        RunSettings r = c.run();
        OutputSettings o = c.output();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("data", d.path());
        f.put("format", d.format() == null ? null : d.format().id());
        f.put("labelSet", d.labelSet() == null ? null : d.labelSet().id());
        f.put("imageSize", d.imageSize());
        f.put("onBadRecord", d.onBadRecord() == null ? null : d.onBadRecord().id());
        f.put("model", m.name());
        f.put("engine", m.engine().id());
        f.put("strategy", c.strategy().name());
        f.put("master", r.master());
        f.put("partitions", r.partitions());
        f.put("epochs", r.epochs());
        f.put("batchSize", m.batchSize());
        f.put("averagingFrequency", s.averagingFrequency());
        f.put("testFraction", d.testFraction());
        f.put("seed", r.seed());
        f.put("learningRate", m.learningRate());
        f.put("threadsPerTask", r.threadsPerTask());
        f.put("out", o.out());
        f.put("overwrite", o.overwrite());
        f.put("optimizer", m.optimizer() == null ? null : m.optimizer().id());
        f.put("exchange", s.exchange().id());
        f.put("thresholdDensity", s.thresholdDensity());
        f.put("verifyReplicas", s.verifyReplicas());
        f.put("augment", d.augmentation().id());
        f.put("normalize", d.normalize());
        f.put("checkpointDir", o.checkpointDir());
        f.put("checkpointEvery", o.checkpointEvery());
        f.put("initFrom", c.warmStart().initFrom());
        f.put("lrFactor", c.warmStart().lrFactor());
        f.put("restarts", r.restarts());
        return f;
    }

    private static Map<String, Object> allReduce(String out) {
        Map<String, Object> m = base(out);
        m.put("strategy", "allreduce-averaging");
        m.put("master", "local[2]");
        m.put("epochs", 2);
        m.put("averagingFrequency", 3);
        m.put("testFraction", 0.25);
        m.put("seed", 7L);
        m.put("verifyReplicas", true);
        m.put("augment", "flip,crop");
        m.put("normalize", "dataset");
        m.put("checkpointEvery", 1);
        m.put("restarts", 1);
        return m;
    }

    @Test
    void parameterAveragingWithDefaults() {
        TrainingConfig c = check("pa.json", base("m-pa"));
        assertEquals(new ParameterAveragingSettings(5), c.strategy());
    }

    @Test
    void allReduceAveragingWithCheckpointsRestartsAndTransforms() {
        TrainingConfig c = check("ar.json", allReduce("m-ar"));
        assertEquals(new AllReduceAveragingSettings(3, true), c.strategy());
    }

    @Test
    void gradientSharingWithThresholdExchangeAndModelSettings() {
        Map<String, Object> m = base("m-gs");
        m.put("engine", "dl4j");
        m.put("strategy", "gradient-sharing");
        m.put("batchSize", 16);
        m.put("learningRate", 0.01);
        m.put("threadsPerTask", 1);
        m.put("optimizer", "sgd");
        m.put("exchange", "threshold");
        m.put("thresholdDensity", 0.05);
        m.put("normalize", "0.5,0.25");
        m.put("checkpointDir", "/tmp/cfgfix/gs-ckpt");
        TrainingConfig c = check("gs.json", m);
        assertEquals(new GradientSharingSettings(GradientExchange.THRESHOLD, 0.05, false), c.strategy());
    }

    @Test
    void warmStartWithoutCheckpoints() {
        Map<String, Object> m = base("m-warm");
        m.put("averagingFrequency", 2);
        m.put("checkpointEvery", 0);
        m.put("initFrom", "/tmp/cfgfix/m-pa");
        m.put("lrFactor", 0.5);
        TrainingConfig c = check("warm.json", m);
        assertEquals(null, c.output().effectiveCheckpointDir());
    }

    @Test
    void resumedRun() {
        Map<String, Object> m = allReduce("m-resumed");
        m.put("checkpointDir", "/tmp/cfgfix/m-ar.checkpoints");
        check("resumed.json", m);
    }

    @Test
    void cifar100WithCoarseLabels() {
        Map<String, Object> m = base("m-c100");
        m.put("data", "/tmp/cfgfix/c100");
        m.put("format", "cifar100");
        m.put("labelSet", "coarse");
        check("c100.json", m);
    }

    @Test
    void imageFoldersWithSizeAndBadRecordPolicy() {
        Map<String, Object> m = base("m-img");
        m.put("data", "/tmp/cfgfix/img");
        m.put("format", "images");
        m.put("imageSize", 16);
        m.put("onBadRecord", "skip");
        m.put("partitions", 1);
        TrainingConfig c = check("img.json", m);
        assertEquals(true, c.data().skipBadRecords());
    }

    @Test
    void checkpointInfoCarriesTheConfiguration() {
        Checkpoint.Info info = Json.read(resource("checkpoint.json"), Checkpoint.Info.class, "checkpoint.json");
        assertEquals(allReduce("m-ar"), fields(info.config()));
        assertEquals(2, info.round());
    }

    private static TrainingConfig check(String name, Map<String, Object> expected) {
        String text = resource(name);
        TrainingConfig c = Json.read(text, TrainingConfig.class, name);
        assertEquals(expected, fields(c), name);
        assertEquals(text, Json.write(c), name + " is written back byte for byte");
        assertEquals(c, Json.read(Json.write(c), TrainingConfig.class, name));
        return c;
    }

    private static String resource(String name) {
        try (InputStream in = ConfigFixturesTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + DIR + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
