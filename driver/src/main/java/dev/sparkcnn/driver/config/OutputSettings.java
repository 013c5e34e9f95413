package dev.sparkcnn.driver.config;

import static dev.sparkcnn.driver.config.Choices.require;

import org.apache.hadoop.fs.Path;

/**
 * What the run writes: the model directory and its checkpoints.
 *
 * @param out             model directory to write (path or Hadoop URI; required)
 * @param overwrite       replace an existing {@code out}
 * @param checkpointDir   where checkpoints go; null = {@code <out>.checkpoints}
 * @param checkpointEvery a checkpoint after every N rounds; null = after each epoch's last round;
 *                        0 = no checkpoints. The last round is always checkpointed (unless 0).
 */
public record OutputSettings(String out, boolean overwrite, String checkpointDir, Integer checkpointEvery) {

    public OutputSettings {
        require(out != null && !out.isBlank(), "--out", "is required: the model directory to write");
        require(checkpointDir == null || !checkpointDir.isBlank(), "--checkpoint-dir", "must not be blank");
        require(checkpointDir == null || !new Path(checkpointDir).equals(new Path(out)), "--checkpoint-dir",
                "must not be the model directory --out " + out + " (that is replaced as a whole when training ends)");
        require(checkpointEvery == null || checkpointEvery >= 0, "--checkpoint-every",
                "must be a number of rounds >= 1 (or 0 for no checkpoints), got " + checkpointEvery);
    }

    /** {@code out}, replaced only if asked, without checkpoints: what programmatic callers want. */
    public static OutputSettings withoutCheckpoints(String out, boolean overwrite) {
        return new OutputSettings(out, overwrite, null, 0);
    }

    /** The checkpoint directory of this run, or null when checkpoints are off. */
    public String effectiveCheckpointDir() {
        if (checkpointEvery != null && checkpointEvery == 0) {
            return null;
        }
        return checkpointDir != null ? checkpointDir : new Path(out).toString() + ".checkpoints";
    }
}
