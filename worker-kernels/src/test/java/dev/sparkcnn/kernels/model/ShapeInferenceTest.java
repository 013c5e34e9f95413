package dev.sparkcnn.kernels.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shape inference and parameter counts of the catalogue definitions, against counts worked out by
 * hand from {@code bench/pytorch_reference.py}'s layer lists (PyTorch counts {@code parameters()}:
 * the trainable ones; batch-norm running statistics are buffers), and the old layouts of the
 * tutorial networks, array by array.
 */
class ShapeInferenceTest {

    private static NetworkSummary summary(String model, int c, int side, int classes) {
        return ModelCatalogue.definition(model).summary(Shape.image(c, side, side), classes);
    }

    @Test
    void vggBnCountsEqualPyTorchs() {
        // per block: conv(i->o)+bias, BN(o) 2o, conv(o->o)+bias, BN(o) 2o
        long block1 = (3 * 32 * 9 + 32) + 64 + (32 * 32 * 9 + 32) + 64;    // 10,272
        long block2 = (32 * 64 * 9 + 64) + 128 + (64 * 64 * 9 + 64) + 128; // 55,680
        long block3 = (64 * 128 * 9 + 128) + 256 + (128 * 128 * 9 + 128) + 256; // 221,952
        long head = (128L * 4 * 4 * 128 + 128) + 256 + (128 * 10 + 10);    // dense, BN1d, dense
        NetworkSummary s = summary("vgg-bn", 3, 32, 10);
        assertEquals(block1 + block2 + block3 + head, s.trainable());
        assertEquals(551_722, s.trainable());
        assertEquals(2 * (32 + 32 + 64 + 64 + 128 + 128 + 128), s.nonTrainable(), "running mean and variance");
        assertEquals(s.trainable() + s.nonTrainable(), s.layout().numParams());
        assertEquals(s.trainable(), s.layout().numTrainable());
        assertEquals("10", s.output().toString());
        // 1x28x28: 28 -> 14 -> 7 -> 3 (floor), so the first conv has 1 input channel and the dense 128*3*3 inputs
        NetworkSummary mnist = summary("vgg-bn", 1, 28, 10);
        assertEquals(551_722 - (2 * 32 * 9) - (128L * 16 * 128) + (128L * 9 * 128), mnist.trainable());
        assertEquals(436_458, mnist.trainable());
        assertEquals("128x3x3", row(mnist, "23").output().toString(), "the last dropout's output");
    }

    @Test
    void resnet20CountsEqualPyTorchs() {
        long stem = 3 * 16 * 9 + 32;
        long stage1 = 3 * (2 * 16 * 16 * 9 + 2 * 32);
        long stage2 = (16 * 32 * 9 + 64 + 32 * 32 * 9 + 64 + 16 * 32 + 64) + 2 * (2 * 32 * 32 * 9 + 2 * 64);
        long stage3 = (32 * 64 * 9 + 128 + 64 * 64 * 9 + 128 + 32 * 64 + 128) + 2 * (2 * 64 * 64 * 9 + 2 * 128);
        long dense = 64 * 10 + 10;
        NetworkSummary s = summary("resnet20", 3, 32, 10);
        assertEquals(stem + stage1 + stage2 + stage3 + dense, s.trainable());
        assertEquals(272_474, s.trainable());
        // batch norms: stem 16, stage 1 six of 16, stage 2 six of 32 + projection 32, stage 3 six of 64 + 64
        assertEquals(2 * (16 + 6 * 16 + 7 * 32 + 7 * 64), s.nonTrainable());
        assertEquals("16x32x32", row(s, "5").output().toString(), "stage 1's last block");
        assertEquals("32x16x16", row(s, "6").output().toString(), "stage 2's first block halves the side");
        assertEquals("64x8x8", row(s, "11").output().toString());
        assertEquals("64", row(s, "12").output().toString(), "global average pooling");
    }

    @Test
    void tutorialLayoutsAreTheOldDl4jLayouts() {
        // cifar-cnn 3x32x32: what Dl4jModels built at 016d422, array by array
        List<String> expected = List.of("0.b[32]", "0.W[32, 3, 3, 3]", "2.b[64]", "2.W[64, 32, 3, 3]", "4.b[64]",
                "4.W[64, 64, 3, 3]", "6.W[1024, 64]", "6.b[64]", "7.W[64, 10]", "7.b[10]");
        ParamLayout layout = summary("cifar-cnn", 3, 32, 10).layout();
        assertEquals(expected, layout.arrays().stream().map(ParamArray::toString).toList());
        assertEquals('f', layout.arrays().get(6).order(), "dense weights are DL4J's 'f'-order [in, out]");
        assertEquals(122_570, layout.numParams());
        assertEquals(WeightInit.XAVIER_UNIFORM, layout.arrays().get(1).init());
        assertEquals(WeightInit.UNIFORM, summary("simple-cnn", 3, 32, 10).layout().arrays().get(1).init());
        // the old hand-computed counts of every tutorial network on both image shapes
        assertEquals(16 * 27 + 16 + 32 * 144 + 32 + 32 * 64 * 10 + 10, summary("simple-cnn", 3, 32, 10).trainable());
        assertEquals(32 * 9 + 32 + 64 * 288 + 64 + 64 * 25 * 128 + 128 + 128 * 10 + 10,
                summary("mnist-cnn", 1, 28, 10).trainable());
        assertEquals(32 * 9 + 32 + 64 * 288 + 64 + 64 * 576 + 64 + 64 * 9 * 64 + 64 + 64 * 10 + 10,
                summary("cifar-cnn", 1, 28, 10).trainable());
        for (String model : ModelCatalogue.TUTORIALS) {
            assertEquals(0, summary(model, 3, 32, 10).nonTrainable());
        }
    }

    @Test
    void tutorialDefaultsAreTheOldOnes() {
        assertEquals(new ModelDefaults("simple-cnn",
                "PyTorch CIFAR tutorial style: conv16 3x3 same, pool, conv32 3x3 same, pool, dense softmax",
                Optimizer.NESTEROVS, 0.001, 32, 0.5f, 0.5f, 4), ModelCatalogue.defaults("simple-cnn"));
        assertEquals(10, ModelCatalogue.defaults("mnist-cnn").minImageSide());
        assertEquals(18, ModelCatalogue.defaults("cifar-cnn").minImageSide());
        assertEquals(Optimizer.ADAM, ModelCatalogue.defaults("cifar-cnn").optimizer());
        assertEquals(8, ModelCatalogue.defaults("vgg-bn").minImageSide());
    }

    @Test
    void summaryTableShowsEveryLayerAndTheTotals() {
        String table = summary("resnet20", 3, 32, 10).table();
        assertTrue(table.contains("model resnet20, input 3x32x32, 10 classes"), table);
        assertTrue(table.contains("6.0     conv2d 32 3x3 stride 2 pad 1 no-bias"), table);
        assertTrue(table.contains("residual (projection stride 2) relu (shortcut + add)"), table);
        assertTrue(table.contains("total: 272,474 trainable, 1,568 non-trainable"), table);
        String cifar = summary("cifar-cnn", 3, 32, 10).table();
        assertTrue(cifar.contains("0       conv2d 32 3x3 valid relu"), cifar);
        assertTrue(cifar.contains("32x30x30"), cifar);
    }

    @Test
    void aFeatureMapShrunkToNothingNamesTheLayerAndTheShapes() {
        DefinitionException e = assertThrows(DefinitionException.class, () -> summary("mnist-cnn", 1, 9, 10));
        assertEquals("catalogue model mnist-cnn: layer 3 (maxpool): maxpool 2x2 shrinks its input 64x1x1 to 64x0x0: "
                + "nothing is left; use larger images, padding or fewer pooling layers", e.getMessage());
        DefinitionException conv = assertThrows(DefinitionException.class,
                () -> definition(List.of(new Conv2d(4, 5, 1, Padding.VALID, true, Activation.RELU), output()))
                        .summary(Shape.image(1, 4, 4), 2));
        assertTrue(conv.getMessage().startsWith("test.json: layer 0 (conv2d): conv2d 4 5x5 valid relu shrinks its "
                + "input 1x4x4 to 4x0x0"), conv.getMessage());
    }

    @Test
    void mismatchedResidualBranchesAreRefused() {
        // an identity shortcut cannot carry 8 channels to the 16 the layers make
        Residual wrong = new Residual(List.of(new Conv2d(16, 3, 1, Padding.of(1), true, Activation.RELU)), false, 1,
                Activation.RELU);
        DefinitionException e = assertThrows(DefinitionException.class,
                () -> definition(List.of(wrong, output())).summary(Shape.image(8, 6, 6), 2));
        assertEquals("test.json: layer 0 (residual), field 'shortcut': the residual branches do not match: the layers "
                + "give 16x6x6 but the identity shortcut gives 8x6x6 from the block's input 8x6x6", e.getMessage());
        // a projection with the wrong stride
        Residual stride = new Residual(List.of(new Conv2d(16, 3, 2, Padding.of(1), true, Activation.RELU)), true, 1,
                Activation.RELU);
        DefinitionException s = assertThrows(DefinitionException.class,
                () -> definition(List.of(stride, output())).summary(Shape.image(8, 6, 6), 2));
        assertTrue(s.getMessage().contains("the layers give 16x3x3 but the projection (stride 1) shortcut gives "
                + "16x6x6"), s.getMessage());
        // an inner layer that does not fit is named by its index inside the block
        Residual inner = new Residual(List.of(new Conv2d(8, 3, 1, Padding.of(1), true, Activation.RELU),
                new Conv2d(8, 9, 1, Padding.VALID, true, Activation.RELU)), false, 1, Activation.RELU);
        DefinitionException i = assertThrows(DefinitionException.class,
                () -> definition(List.of(inner, output())).summary(Shape.image(8, 6, 6), 2));
        assertTrue(i.getMessage().startsWith("test.json: layer 0.1 (conv2d): "), i.getMessage());
    }

    @Test
    void inputAndClassesMustFitTheData() {
        NetworkDefinition fixed = new NetworkDefinition("n", "", Shape.image(1, 28, 28), WeightInit.UNIFORM,
                TrainingDefaults.STANDARD, List.of(new Flatten(), new Dense(10, Activation.SOFTMAX, true)), "n.json");
        DefinitionException channels = assertThrows(DefinitionException.class,
                () -> fixed.summary(Shape.image(3, 28, 28), 10));
        assertEquals("n.json: definition, field 'input': the network is defined for 1x28x28 input but the data is "
                + "3x28x28; change 'input' or leave it out to take the data's shape", channels.getMessage());
        DefinitionException classes = assertThrows(DefinitionException.class,
                () -> fixed.summary(Shape.image(1, 28, 28), 5));
        assertEquals("n.json: layer 1 (dense), field 'units': the output layer has 10 units but the data has 5 "
                + "classes; set units to 5 or \"classes\"", classes.getMessage());
        assertEquals(7850, fixed.summary(Shape.image(1, 28, 28), 10).trainable());
    }

    @Test
    void theLastLayerIsTheSoftmaxOutput() {
        DefinitionException e = assertThrows(DefinitionException.class,
                () -> definition(List.of(new Dense(4, Activation.RELU, true))));
        assertEquals("test.json: layer 0 (dense): the last layer must be the output: a dense layer with activation "
                + "softmax", e.getMessage());
        DefinitionException early = assertThrows(DefinitionException.class,
                () -> definition(List.of(output(), output())));
        assertTrue(early.getMessage().startsWith("test.json: layer 0 (dense), field 'activation'"), early.getMessage());
    }

    @Test
    void layerSpecsBuiltInCodeNameTheField() {
        assertEquals("filters must be a positive integer, got 0", assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(0, 3, 1, Padding.VALID, true, Activation.RELU)).getMessage());
        assertEquals("rate must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Dropout(1)).getMessage());
    }

    private static NetworkSummary.Row row(NetworkSummary summary, String index) {
        return summary.rows().stream().filter(r -> r.index().equals(index)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + index));
    }

    private static Dense output() {
        return new Dense(Dense.CLASSES, Activation.SOFTMAX, true);
    }

    static NetworkDefinition definition(List<LayerSpec> layers) {
        return new NetworkDefinition("test", "", null, WeightInit.UNIFORM, TrainingDefaults.STANDARD,
                new ArrayList<>(layers), "test.json");
    }
}
