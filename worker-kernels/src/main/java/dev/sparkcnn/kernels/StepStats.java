package dev.sparkcnn.kernels;

/**
 * What one optimizer step reports.
 *
 * @param lossSum  cross-entropy summed over the batch's examples (mean loss x batch size), measured
 *                 on the parameters before the step; no regularisation terms
 * @param examples the batch size
 */
public record StepStats(double lossSum, int examples) {
}
