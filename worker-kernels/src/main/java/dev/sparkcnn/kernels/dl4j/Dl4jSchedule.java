package dev.sparkcnn.kernels.dl4j;

import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A spec's learning-rate schedule as DL4J's {@link ISchedule}: the rate at DL4J's iteration count
 * (which this engine keeps equal to the model state's iteration), the same pure function the
 * {@code native} engine's {@link dev.sparkcnn.kernels.optim.UpdaterRule} uses. The epoch DL4J
 * passes is ignored: this engine never advances it, and the schedule derives epochs from steps.
 * Not serialisable as DL4J JSON; exports use {@link Dl4jModels#portableConfiguration}.
 */
final class Dl4jSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    private final double learningRate;
    private final TrainingOptions training;

    Dl4jSchedule(ModelSpec spec) {
        this.learningRate = spec.learningRate();
        this.training = spec.training();
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return training.rate(learningRate, iteration);
    }

    @Override
    public ISchedule clone() {
        return this; // immutable
    }
}
