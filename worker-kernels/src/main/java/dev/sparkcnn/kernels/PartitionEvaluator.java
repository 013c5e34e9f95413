package dev.sparkcnn.kernels;

import java.util.Iterator;

/** One task's evaluation: a model state and batches in, confusion counts and summed loss out. */
public final class PartitionEvaluator {

    private PartitionEvaluator() {
    }

    /** Loads {@code state} into {@code net} and counts its predictions on all batches. */
    public static EvalCounts evaluate(Network net, ModelState state, Iterator<Batch> batches) {
        net.load(state);
        int numClasses = net.spec().numClasses();
        EvalCounts counts = new EvalCounts(numClasses);
        while (batches.hasNext()) {
            Batch batch = batches.next();
            float[] probabilities = net.predict(batch);
            counts.addLoss(net.loss(batch, probabilities));
            for (int i = 0; i < batch.size(); i++) {
                counts.add(batch.labels()[i], argmax(probabilities, i, numClasses));
            }
        }
        return counts;
    }

    /** The predicted class of a row of row-major probabilities: the largest, ties to the lowest index. */
    public static int argmax(float[] probabilities, int row, int numClasses) {
        int offset = row * numClasses;
        int best = 0;
        for (int c = 1; c < numClasses; c++) {
            if (probabilities[offset + c] > probabilities[offset + best]) {
                best = c;
            }
        }
        return best;
    }
}
