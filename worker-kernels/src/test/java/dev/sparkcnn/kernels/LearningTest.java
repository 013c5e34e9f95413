package dev.sparkcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The models learn a problem they can learn: dark versus bright images. */
class LearningTest {

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    @ParameterizedTest
    @CsvSource({"mnist-cnn,0.001", "simple-cnn,0.01"})
    void lossFallsAndTheEvaluatorSeesHighAccuracy(String model, double learningRate) {
        ModelSpec spec = new ModelSpec(model, 1, 16, 16, 2, learningRate, 3);
        List<ImageRecord> train = TestImages.darkVsBright(168, spec.imageSize(), 1);
        List<ImageRecord> test = TestImages.darkVsBright(64, spec.imageSize(), 2);
        try (Network net = NetworkFactory.create(spec, "dl4j")) {
            List<Batch> batches = TestImages.batches(train, 16, spec); // 10 full batches and one of 8
            ModelState state = net.initialState();
            double firstLoss = Double.NaN;
            double lastLoss = Double.NaN;
            for (int epoch = 0; epoch < 3; epoch++) { // 33 steps
                TrainResult result = PartitionTrainer.train(net, state, batches.iterator(), Integer.MAX_VALUE);
                state = result.state();
                if (epoch == 0) {
                    firstLoss = result.meanLoss();
                }
                lastLoss = result.meanLoss();
            }
            assertEquals(33, state.iteration());
            assertTrue(lastLoss < 0.5 * firstLoss, "loss " + firstLoss + " -> " + lastLoss);

            List<Batch> testBatches = TestImages.batches(test, 10, spec); // the last one has 4 images
            EvalCounts counts = PartitionEvaluator.evaluate(net, state, testBatches.iterator());
            assertEquals(64, counts.total());
            assertEquals(32, counts.support(0));
            assertTrue(counts.correct() >= 60, counts.toString());
            double meanLoss = counts.lossSum() / counts.total();
            assertTrue(meanLoss < 0.3, "evaluation loss " + meanLoss);
        }
    }
}
