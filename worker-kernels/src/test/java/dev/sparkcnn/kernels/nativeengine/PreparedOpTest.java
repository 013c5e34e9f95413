package dev.sparkcnn.kernels.nativeengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkcnn.kernels.NativeRuntime;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** A prepared op reads its arrays' current values on every run and computes what {@code Nd4j.exec} computes. */
class PreparedOpTest {

    @Test
    void gemmFollowsItsInputsAcrossRuns() {
        NativeRuntime.ensureFloatDefaults();
        Nd4j.getRandom().setSeed(1);
        INDArray a = Nd4j.rand(DataType.FLOAT, 7, 5);
        INDArray b = Nd4j.rand(DataType.FLOAT, 6, 5);
        INDArray c = Nd4j.create(DataType.FLOAT, 7, 6);
        INDArray expected = Nd4j.create(DataType.FLOAT, 7, 6);
        try (PreparedOp gemm = PreparedOp.gemm(a, b, c, false, true)) {
            for (int run = 0; run < 3; run++) {
                gemm.exec();
                Nd4j.gemm(a, b, expected, false, true, 1.0, 0.0);
                assertEquals(expected, c, "run " + run);
                a.assign(Nd4j.rand(DataType.FLOAT, 7, 5)); // new values in the same arrays
                b.muli(-2);
            }
        }
    }

    @Test
    void convolutionMatchesExecOnViewsOfAFlatBuffer() {
        NativeRuntime.ensureFloatDefaults();
        Nd4j.getRandom().setSeed(2);
        INDArray params = Nd4j.rand(DataType.FLOAT, 4 + 4 * 3 * 3 * 3);
        INDArray bias = NativeLayer.view(params, 0, 4);
        INDArray weights = NativeLayer.view(params, 4, 4, 3, 3, 3);
        INDArray input = Nd4j.rand(DataType.FLOAT, 2, 6, 6, 3);
        INDArray output = Nd4j.create(DataType.FLOAT, 2, 4, 4, 4);
        INDArray expected = Nd4j.create(DataType.FLOAT, 2, 4, 4, 4);
        int[] args = {3, 3, 1, 1, 0, 0, 1, 1, 0, 1, 1};
        try (PreparedOp conv = new PreparedOp(DynamicCustomOp.builder("conv2d").addInputs(input, weights, bias)
                .addOutputs(output).addIntegerArguments(args).build())) {
            for (int run = 0; run < 2; run++) {
                conv.exec();
                Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(input, weights, bias).addOutputs(expected)
                        .addIntegerArguments(args).build());
                assertEquals(expected, output, "run " + run);
                params.subi(0.25); // an optimizer step on the flat buffer the views share
            }
        }
    }

    /** The views prepared ops work through must be views: writing through one changes the array, a strided array is refused. */
    @Test
    void reshapedViewsShareMemoryOrAreRefused() {
        NativeRuntime.ensureFloatDefaults();
        INDArray array = Nd4j.create(DataType.FLOAT, 2, 3, 4);
        NativeLayer.reshapedView(array, 6, 4).assign(7);
        assertEquals(7.0, array.getDouble(1, 2, 3));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NativeLayer.reshapedView(array.permute(2, 1, 0), 4, 6));
        assertEquals(true, e.getMessage().contains("would copy it"), e.getMessage());
    }

    @Test
    void anOpWithoutOutputsIsRefused() {
        NativeRuntime.ensureFloatDefaults();
        INDArray x = Nd4j.rand(DataType.FLOAT, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PreparedOp(DynamicCustomOp.builder("relu").addInputs(x).addFloatingPointArguments(0.0).build()));
        assertEquals("op relu needs its output arrays to be prepared", e.getMessage());
    }
}
