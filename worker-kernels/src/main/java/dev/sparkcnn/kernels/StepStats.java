package dev.sparkcnn.kernels;

/**
 * What one optimizer step reports.
 *
 * @param lossSum  cross-entropy summed over the batch's examples (mean loss x batch size), measured
 *                 on the parameters before the step; no regularisation terms
 * @param examples the batch size
 * @param correct  examples whose most probable class, before the step, was their label; -1 when
 *                 the engine does not measure it (the DL4J engine: its fit hides the outputs, and a
 *                 second forward pass would cost a third of a step)
 */
public record StepStats(double lossSum, int examples, int correct) {

    /** A step whose training accuracy was not measured. */
    public StepStats(double lossSum, int examples) {
        this(lossSum, examples, -1);
    }
}
