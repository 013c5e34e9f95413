package dev.sparkcnn.kernels;

import java.util.Iterator;

/** One task's local training: start state in, up to k optimizer steps, new state, loss and accuracy out. */
public final class PartitionTrainer {

    private PartitionTrainer() {
    }

    /**
     * Loads {@code start} into {@code net} and runs up to {@code maxSteps} steps, one per batch,
     * stopping early when the batches run out.
     *
     * @throws IllegalStateException if a step's loss is NaN or infinite (the run diverged)
     */
    public static TrainResult train(Network net, ModelState start, Iterator<Batch> batches, int maxSteps) {
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must be >= 0, got " + maxSteps);
        }
        net.load(start);
        double lossSum = 0;
        long examples = 0;
        int steps = 0;
        long correct = 0;
        while (steps < maxSteps && batches.hasNext()) {
            StepStats step = net.fit(batches.next());
            steps++;
            if (!Double.isFinite(step.lossSum())) {
                throw new IllegalStateException("loss became " + step.lossSum() + " at step " + steps
                        + " of this task (iteration " + (start.iteration() + steps) + ") of model '"
                        + net.spec().model() + "' with learning rate " + net.spec().learningRate()
                        + "; lower the learning rate");
            }
            lossSum += step.lossSum();
            examples += step.examples();
            correct = correct < 0 || step.correct() < 0 ? -1 : correct + step.correct();
        }
        return new TrainResult(net.state(), lossSum, examples, steps, correct);
    }
}
