package dev.sparkcnn.driver.predict;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A network's answer for one image: its class probabilities, and the true label when the image
 * came from a dataset (so a report can mark mistakes).
 *
 * @param probabilities one per class, summing to ~1
 * @param trueLabel     the dataset's label, or -1 when unknown (an image file)
 */
public record Prediction(float[] probabilities, int trueLabel) {

    /** A class and its probability. */
    public record Ranked(int label, float probability) {
    }

    /** The predicted class: the most probable, ties to the lowest index (as evaluation counts it). */
    public int predicted() {
        return top(1).get(0).label();
    }

    public float confidence() {
        return probabilities[predicted()];
    }

    public boolean knowsTruth() {
        return trueLabel >= 0;
    }

    /** True only when the true label is known and differs from the prediction. */
    public boolean misclassified() {
        return knowsTruth() && predicted() != trueLabel;
    }

    /** The {@code k} most probable classes, most probable first (ties to the lower index). */
    public List<Ranked> top(int k) {
        return IntStream.range(0, probabilities.length).boxed()
                .sorted(Comparator.comparingDouble((Integer c) -> -probabilities[c]).thenComparingInt(c -> c))
                .limit(k).map(c -> new Ranked(c, probabilities[c])).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p && p.trueLabel == trueLabel && Arrays.equals(p.probabilities, probabilities);
    }

    @Override
    public int hashCode() {
        return 31 * trueLabel + Arrays.hashCode(probabilities);
    }
}
