package dev.sparkcnn.driver.store;

import dev.sparkcnn.driver.fs.HadoopConf;

/** Writes the test checkpoint of a round ({@link CheckpointsTest#checkpoint}) for the crash tests' child JVM. */
public final class CheckpointWriter {
    private CheckpointWriter() {
    }

    public static String write(HadoopConf hadoop, String dir, int round) {
        return Checkpoints.write(hadoop, dir, CheckpointsTest.checkpoint(round));
    }
}
