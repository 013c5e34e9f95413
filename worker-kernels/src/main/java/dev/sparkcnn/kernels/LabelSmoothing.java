package dev.sparkcnn.kernels;

/**
 * Training targets with label smoothing {@code eps}: {@code (1 - eps) onehot + eps / K} over
 * {@code K} classes, and the cross-entropy against them (the training loss both engines report),
 * with probabilities clipped to at least {@link CrossEntropy#CLIP} as DL4J's MCXENT clips them.
 * With {@code eps = 0} the targets are one-hot and the loss is the plain cross-entropy.
 */
public final class LabelSmoothing {

    private LabelSmoothing() {
    }

    /**
     * Row-major {@code [labels.length][classes]} targets.
     *
     * @throws IllegalArgumentException naming the row of a label outside {@code [0, classes)}
     */
    public static float[] targets(int[] labels, int classes, double eps) {
        float[] targets = new float[labels.length * classes];
        float off = (float) (eps / classes);
        float on = (float) (1 - eps + eps / classes);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of batch row " + i + " is not in [0, "
                        + classes + ")");
            }
            if (eps != 0) {
                java.util.Arrays.fill(targets, i * classes, (i + 1) * classes, off);
            }
            targets[i * classes + labels[i]] = eps == 0 ? 1f : on;
        }
        return targets;
    }

    /**
     * The summed cross-entropy {@code -sum_i sum_c t[i][c] ln p[i][c]} against the smoothed targets
     * of {@code labels}, {@code probabilities} row-major {@code [labels.length][classes]}.
     */
    public static double lossSum(double[] probabilities, int[] labels, int classes, double eps) {
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double all = 0;
            for (int c = 0; c < classes; c++) {
                all += Math.log(Math.max(probabilities[i * classes + c], CrossEntropy.CLIP));
            }
            double own = Math.log(Math.max(probabilities[i * classes + labels[i]], CrossEntropy.CLIP));
            sum -= (1 - eps) * own + eps / classes * all;
        }
        return sum;
    }
}
