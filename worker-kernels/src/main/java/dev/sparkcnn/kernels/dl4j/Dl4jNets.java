package dev.sparkcnn.kernels.dl4j;

import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.model.ModelSpec;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;

/**
 * Initialised DL4J networks of a spec and the map between their parameters and the definition's
 * layout: a {@link MultiLayerNetwork} for a plain stack or a {@link ComputationGraph} for any
 * network. Exporters load a stored state into them; the engine trains the graph.
 */
public final class Dl4jNets {

    private Dl4jNets() {
    }

    /** The spec's network as an initialised ComputationGraph. */
    public static ComputationGraph graph(ModelSpec spec) {
        ComputationGraph net = new ComputationGraph(Dl4jModels.graph(spec));
        net.init();
        return net;
    }

    /**
     * The spec's network, a MultiLayerNetwork when it is a plain stack, else a ComputationGraph,
     * holding {@code state} (parameters, updater state and iteration), with a constant learning
     * rate (the spec's base rate) in place of a schedule, so that DL4J alone can read it back.
     *
     * @throws IllegalArgumentException if the state does not fit the network
     */
    public static Model withState(ModelSpec spec, ModelState state) {
        if (Dl4jModels.sequential(spec)) {
            MultiLayerNetwork net = new MultiLayerNetwork(Dl4jModels.portableConfiguration(spec));
            net.init();
            load(layout(spec, net), net.params(), net.getUpdater(true), state, spec);
            net.setIterationCount(Math.toIntExact(Math.min(Integer.MAX_VALUE, state.iteration())));
            return net;
        }
        ComputationGraph net = new ComputationGraph(Dl4jModels.portableGraph(spec));
        net.init();
        load(layout(spec, net), net.params(), net.getUpdater(true), state, spec);
        net.getConfiguration().setIterationCount(Math.toIntExact(Math.min(Integer.MAX_VALUE, state.iteration())));
        return net;
    }

    private static void load(Dl4jLayout layout, org.nd4j.linalg.api.ndarray.INDArray params,
                             org.deeplearning4j.nn.api.Updater updater, ModelState state, ModelSpec spec) {
        if (state.params().length != params.length() || state.updaterState().length != layout.stateSize()) {
            throw new IllegalArgumentException("state has " + state.params().length + " parameters and "
                    + state.updaterState().length + " updater values, but model '" + spec.model() + "' for "
                    + spec.channels() + "x" + spec.height() + "x" + spec.width() + " and " + spec.numClasses()
                    + " classes has " + params.length() + " and " + layout.stateSize());
        }
        layout.paramsToDl4j(state.params(), params);
        layout.stateToDl4j(state.updaterState(), ((BaseMultiLayerUpdater<?>) updater).getStateViewArray());
    }

    static Dl4jLayout layout(ModelSpec spec, ComputationGraph net) {
        return new Dl4jLayout(spec, ref -> net.getLayer(ref.layer()).getParam(ref.key()), net.params(),
                net.getUpdater(true));
    }

    static Dl4jLayout layout(ModelSpec spec, MultiLayerNetwork net) {
        return new Dl4jLayout(spec, ref -> net.getLayer(ref.layer()).getParam(ref.key()), net.params(),
                (BaseMultiLayerUpdater<?>) net.getUpdater(true));
    }
}
