package dev.sparkcnn.driver.crash;

import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.registry.ChampionHistory;
import dev.sparkcnn.driver.registry.ModelRegistry;
import dev.sparkcnn.driver.store.CheckpointWriter;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.model.ModelSpec;
import org.apache.hadoop.conf.Configuration;

/**
 * The child JVM of {@link NothingLostTest}: performs one write (with {@code -Dsparkcnn.test.pauseAt}
 * set, it stops at that point and is killed there). Modes:
 * <pre>
 *   model DIR VALUE              replace the model directory DIR (overwrite) with one whose first parameter is VALUE
 *   promote REGISTRY NAME VALUE  the retrain sequence: claim, write staging, append the champion entry, publish
 * </pre>
 * Checkpoint writes go through the same {@code AtomicDirectory} as model directories; the
 * checkpoint mode is {@code checkpoint DIR ROUND} ({@link CheckpointWriter}): write that round.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        HadoopConf hadoop = new HadoopConf(new Configuration());
        switch (args[0]) {
            case "model" -> ModelDirectory.write(hadoop, args[1], true, model(Float.parseFloat(args[2])), "{}\n",
                    "{}\n");
            case "promote" -> {
                ModelRegistry registry = new ModelRegistry(hadoop, args[1], args[2]);
                ChampionHistory.State seen = registry.championState();
                int v = registry.claim();
                ModelDirectory.write(hadoop, registry.stagingDir(v), false, model(Float.parseFloat(args[3])),
                        "{}\n", "{}\n");
                if (!registry.promoteStaged(seen, v, "crash test")) {
                    throw new IllegalStateException("lost a race nobody runs");
                }
                registry.publish(v, "{}\n");
            }
            case "checkpoint" -> CheckpointWriter.write(hadoop, args[1], Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.out.println("sparkcnn-done");
    }

    static SavedModel model(float first) {
        DatasetSpec data = CifarFormat.spec(CifarFormat.CIFAR10_CLASSES);
        ModelSpec spec = ModelSpec.of("cifar-cnn", data, null, 1);
        return new SavedModel(spec, "native", data, Normalization.unit(3),
                new ModelState(new float[] {first, 2f, 3f}, new float[] {0f}, 3));
    }
}
