package dev.sparkcnn.kernels.model;

/**
 * Inverted dropout in training (each value zeroed with probability {@code rate}, the rest scaled by
 * {@code 1 / (1 - rate)}), the identity in inference; no parameters.
 *
 * @param rate the probability of dropping a value, in [0, 1)
 */
public record Dropout(double rate) implements LayerSpec {

    public Dropout {
        if (!(rate >= 0 && rate < 1)) {
            throw new Invalid("rate", "must be in [0, 1), got " + rate);
        }
    }

    @Override
    public String type() {
        return "dropout";
    }

    @Override
    public Shape outputShape(Shape in, int classes) {
        return in;
    }

    @Override
    public String describe() {
        return type() + " " + rate;
    }
}
