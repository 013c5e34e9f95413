package dev.sparkcnn.kernels.dl4j;

import dev.sparkcnn.kernels.Engine;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.model.ModelSpec;

/** Engine {@code dl4j}: Deeplearning4j layers on ND4J (NCHW), as a {@code ComputationGraph}. */
public final class Dl4jEngine implements Engine {

    /** This engine's name. */
    public static final String NAME = "dl4j";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Network create(ModelSpec spec) {
        return new Dl4jNetwork(spec);
    }
}
