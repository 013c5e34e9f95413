package dev.sparkcnn.driver.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Objects;

/**
 * The complete, validated configuration of one training run, composed of small immutable parts
 * that each own their defaults and checks; this record adds the checks across parts. An instance
 * that exists is one that can run. Built with {@link #builder}; written to the model directory as
 * the flat {@code config.json} ({@link FlatConfig}) and read back exactly.
 *
 * @param data      where the data is and how it is read, split and transformed
 * @param model     the network, engine and optimizer
 * @param strategy  how the replicas' work is combined, with that strategy's own settings
 * @param run       master, partitions, epochs, seed, threads, restarts, storage
 * @param output    the model directory and checkpoints
 * @param warmStart where training starts from ({@link WarmStart#NONE}: fresh)
 * @param validation held-out evaluation per epoch and which epoch's state is the model
 * @param optimization weight decay, label smoothing, the learning-rate schedule and its worker scaling
 *                  ({@link OptimizationSettings#NONE}: none)
 */
@JsonSerialize(using = FlatConfig.Writer.class)
@JsonDeserialize(using = FlatConfig.Reader.class)
public record TrainingConfig(DataSettings data, ModelSettings model, StrategySettings strategy, RunSettings run,
                             OutputSettings output, WarmStart warmStart, ValidationSettings validation,
                             OptimizationSettings optimization) {

    /** A configuration without training options. */
    public TrainingConfig(DataSettings data, ModelSettings model, StrategySettings strategy, RunSettings run,
                          OutputSettings output, WarmStart warmStart, ValidationSettings validation) {
        this(data, model, strategy, run, output, warmStart, validation, OptimizationSettings.NONE);
    }

    public TrainingConfig {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(output, "output");
        warmStart = warmStart == null ? WarmStart.NONE : warmStart;
        validation = validation == null ? ValidationSettings.DEFAULT : validation;
        optimization = optimization == null ? OptimizationSettings.NONE : optimization;
        Choices.require(warmStart.lrFactor() == null || model.learningRate() == null, "--lr-factor",
                "and --learning-rate both set the learning rate; give only one of them");
    }

    /** A builder with the two settings that have no default: the data and the model directory. */
    public static TrainingConfigBuilder builder(String data, String out) {
        return new TrainingConfigBuilder().data(data).out(out);
    }

    /** A builder holding every setting of this configuration. */
    public TrainingConfigBuilder toBuilder() {
        return FlatConfig.builderOf(this);
    }

    /**
     * A copy with the format decided (after detection), and the label set (null unless CIFAR-100) and
     * image size (null unless image folders) in effect.
     */
    public TrainingConfig withFormat(DataFormat detected, LabelSet labels, Integer size) {
        return new TrainingConfig(data.withFormat(detected, labels, size), model, strategy, run, output, warmStart,
                validation, optimization);
    }

    /**
     * The configuration a resumed run continues with: this one (from the checkpoint) with the model
     * directory, overwrite flag and master of the new command line, where they are given, and the
     * checkpoint directory it resumes from.
     */
    public TrainingConfig resumedAs(String newOut, Boolean newOverwrite, String newMaster, String resumeDir) {
        RunSettings r = newMaster == null ? run : new RunSettings(newMaster, run.partitions(), run.epochs(),
                run.seed(), run.threadsPerTask(), run.restarts(), run.storage());
        OutputSettings o = new OutputSettings(newOut != null ? newOut : output.out(),
                newOverwrite != null ? newOverwrite : output.overwrite(), resumeDir, output.checkpointEvery());
        return new TrainingConfig(data, model, strategy, r, o, warmStart, validation, optimization);
    }
}
