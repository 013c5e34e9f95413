package dev.sparkcnn.kernels.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A fully connected layer; an image input is flattened in {@code [c, h, w]} order. Parameters
 * (DL4J's layout): weights {@code [in, units]} in 'f' order, then bias {@code [units]} (if
 * {@code bias}). The output layer is a dense layer with {@link Activation#SOFTMAX}.
 *
 * @param units      outputs, &gt; 0, or {@link #CLASSES}: the data's class count
 * @param activation applied to the output
 * @param bias       whether the layer adds a bias
 */
public record Dense(int units, Activation activation, boolean bias) implements LayerSpec {

    /** {@code units} meaning "as many as the data has classes" ({@code "classes"} in definition files). */
    public static final int CLASSES = -1;

    public Dense {
        if (units != CLASSES) {
            LayerSpec.requirePositive("units", units);
        }
    }

    /** The units for a data set of {@code classes} classes. */
    public int units(int classes) {
        return units == CLASSES ? classes : units;
    }

    @Override
    public String type() {
        return "dense";
    }

    @Override
    public Shape outputShape(Shape in, int classes) {
        return Shape.features(units(classes));
    }

    @Override
    public List<ParamArray> params(Shape in, int classes, String name, WeightInit init) {
        int out = units(classes);
        List<ParamArray> arrays = new ArrayList<>();
        arrays.add(new ParamArray(name + "W", new long[]{in.size(), out}, 'f', true, init, in.size(), out));
        if (bias) {
            arrays.add(ParamArray.constant(name + "b", WeightInit.ZERO, out));
        }
        return arrays;
    }

    @Override
    public String describe() {
        return "dense " + (units == CLASSES ? "classes" : String.valueOf(units))
                + (activation == Activation.IDENTITY ? "" : " " + activation.id()) + (bias ? "" : " no-bias");
    }
}
