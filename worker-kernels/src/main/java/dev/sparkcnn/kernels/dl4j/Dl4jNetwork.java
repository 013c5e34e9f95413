package dev.sparkcnn.kernels.dl4j;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.DropoutKeys;
import dev.sparkcnn.kernels.LabelSmoothing;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.StepStats;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.optim.UpdaterRule;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Engine {@code dl4j}: a network definition as a DL4J {@link ComputationGraph} (a plain stack is a
 * chain of vertices), built once and reused. The state crosses the seam in the definition's
 * layout ({@link Dl4jLayout} maps it to and from DL4J's own order); iteration is the graph's
 * iteration count, which Adam's bias correction reads.
 *
 * <p>Batch norm's running statistics: DL4J updates them through its updater (a NoOp updater
 * subtracting a "gradient" of {@code (1 - decay) (running - batch)}, not divided by the batch
 * size). {@link #fit} lets DL4J do that; {@link #computeGradient} applies that step to the
 * parameters at once and returns 0 in those slots, as the native engine's training forward pass
 * does, so the optimizer leaves them alone on both engines.
 */
final class Dl4jNetwork implements Network {

    static final String ENGINE = Dl4jEngine.NAME;

    private final ModelSpec spec;
    private final ComputationGraph net;
    private final Dl4jLayout layout;
    private final int[] fixed;
    private final float[] initialParams;
    private final UpdaterRule optimizer;
    private boolean closed;
    private int partition;

    Dl4jNetwork(ModelSpec spec) {
        NativeRuntime.ensureFloatDefaults();
        this.spec = spec;
        this.net = Dl4jNets.graph(spec);
        this.layout = Dl4jNets.layout(spec, net);
        this.fixed = layout.fixed();
        // the layout's draw (DL4J's MultiLayerNetwork.init order); a graph may order its arrays otherwise
        this.initialParams = spec.layout().initialParams(spec.seed());
        layout.paramsToDl4j(initialParams, net.params());
        this.optimizer = UpdaterRule.of(spec);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public String engine() {
        return ENGINE;
    }

    @Override
    public long numParams() {
        return initialParams.length;
    }

    @Override
    public long updaterStateSize() {
        return layout.stateSize();
    }

    @Override
    public ModelState initialState() {
        return new ModelState(initialParams.clone(), new float[layout.stateSize()], 0);
    }

    @Override
    public void load(ModelState state) {
        checkOpen();
        if (state.params().length != initialParams.length || state.updaterState().length != layout.stateSize()) {
            throw new IllegalArgumentException("state has " + state.params().length + " parameters and "
                    + state.updaterState().length + " updater values, but model '" + spec.model() + "' (engine "
                    + ENGINE + ") for " + spec.channels() + "x" + spec.height() + "x" + spec.width() + " and "
                    + spec.numClasses() + " classes has " + initialParams.length + " and " + layout.stateSize());
        }
        if (state.iteration() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("iteration " + state.iteration() + " exceeds DL4J's int counter");
        }
        layout.paramsToDl4j(state.params(), net.params());
        layout.stateToDl4j(state.updaterState(), updaterView());
        net.getConfiguration().setIterationCount((int) state.iteration());
        net.getConfiguration().setEpochCount(0);
    }

    @Override
    public ModelState state() {
        checkOpen();
        return new ModelState(layout.paramsToLayout(net.params()), layout.stateToLayout(updaterView()),
                net.getIterationCount());
    }

    @Override
    public void partition(int index) {
        partition = index;
    }

    /**
     * Seeds this thread's ND4J generator, which DL4J's dropout draws its masks from, with the step's
     * key ({@link DropoutKeys}): the masks then follow (seed, partition, iteration) as engine
     * native's do (not the same masks: DL4J draws them its own way).
     */
    private void keyRandomDraws() {
        Nd4j.getRandom().setSeed(DropoutKeys.step(spec.seed(), partition, net.getIterationCount()));
    }

    @Override
    public StepStats fit(Batch batch) {
        checkOpen();
        keyRandomDraws();
        INDArray features = features(batch);
        INDArray labels = oneHot(batch);
        // DL4J's score: mean loss over the batch, computed in the forward pass before the update, plus
        // the weight-decay term at the parameters before the update, which is taken off again: the
        // loss reported is the cross-entropy (against the smoothed targets), as engine native reports it.
        double regularization = spec.training().weightDecay() == 0 ? 0 : net.calcRegularizationScore(true);
        net.fit(new INDArray[]{features}, new INDArray[]{labels});
        return new StepStats((net.score() - regularization) * batch.size(), batch.size());
    }

    /**
     * DL4J's backward pass; its flattened gradient is the sum over the batch (DL4J's updater
     * divides by the batch size), so it is divided here to give the seam's mean. Batch norm's
     * running-statistics slots are applied to the parameters and zeroed (see the class comment).
     */
    @Override
    public StepStats computeGradient(Batch batch, float[] gradient) {
        checkOpen();
        checkLength(gradient);
        keyRandomDraws();
        net.setInputs(features(batch));
        net.setLabels(oneHot(batch));
        net.computeGradientAndScore();
        float[] values = layout.paramsToLayout(net.getFlattenedGradients());
        float scale = 1f / batch.size();
        for (int i = 0; i < values.length; i++) {
            gradient[i] = values[i] * scale;
        }
        if (fixed.length > 0) {
            float[] params = net.params().toFloatVector();
            for (int i : fixed) {
                params[layout.position(i)] -= values[i];
                gradient[i] = 0f;
            }
            net.params().assign(Nd4j.create(params, net.params().shape(), 'c'));
        }
        return new StepStats(net.score() * batch.size(), batch.size());
    }

    /** The same libnd4j updater op DL4J's updater runs, on the state in the layout's order (one block). */
    @Override
    public void toUpdate(float[] gradient) {
        checkOpen();
        checkLength(gradient);
        INDArray g = Nd4j.createFromArray(gradient);
        INDArray view = updaterView();
        INDArray state = view == null ? null : Nd4j.createFromArray(layout.stateToLayout(view));
        optimizer.apply(g, Nd4j.createFromArray(layout.paramsToLayout(net.params())), state,
                net.getIterationCount());
        if (state != null) {
            layout.stateToDl4j(state.toFloatVector(), view);
        }
        net.getConfiguration().setIterationCount(net.getIterationCount() + 1);
        System.arraycopy(g.toFloatVector(), 0, gradient, 0, gradient.length);
    }

    @Override
    public void applyUpdate(float[] update) {
        checkOpen();
        checkLength(update);
        float[] params = params();
        for (int i = 0; i < params.length; i++) {
            params[i] -= update[i];
        }
        layout.paramsToDl4j(params, net.params());
    }

    @Override
    public float[] params() {
        checkOpen();
        return layout.paramsToLayout(net.params());
    }

    @Override
    public void loadParams(float[] values) {
        checkOpen();
        checkLength(values);
        layout.paramsToDl4j(values, net.params());
    }

    private void checkLength(float[] vector) {
        if (vector.length != initialParams.length) {
            throw new IllegalArgumentException("vector has " + vector.length + " values but model '" + spec.model()
                    + "' has " + initialParams.length + " parameters");
        }
    }

    @Override
    public float[] predict(Batch batch) {
        checkOpen();
        INDArray out = net.output(false, features(batch))[0];
        return out.reshape('c', new long[]{out.length()}).toFloatVector();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            net.close();
        }
    }

    private INDArray updaterView() {
        return net.getUpdater(true).getStateViewArray();
    }

    /** The batch as NCHW features; first applies the thread's requested native threads (a native network may have lowered them). */
    private INDArray features(Batch batch) {
        NativeRuntime.applyThreads(NativeRuntime.requestedThreads());
        if (batch.imageSize() != spec.imageSize()) {
            throw new IllegalArgumentException("batch images have " + batch.imageSize() + " values but model '"
                    + spec.model() + "' expects " + spec.channels() + "x" + spec.height() + "x" + spec.width() + " = "
                    + spec.imageSize());
        }
        return Nd4j.create(batch.features(), new long[]{batch.size(), spec.channels(), spec.height(), spec.width()},
                'c');
    }

    /** The batch's targets: one-hot, or label-smoothed (DL4J's MCXENT with softmax takes any distribution). */
    private INDArray oneHot(Batch batch) {
        int classes = spec.numClasses();
        int[] labels = batch.labels();
        return Nd4j.create(LabelSmoothing.targets(labels, classes, spec.training().labelSmoothing()),
                new long[]{batch.size(), classes}, 'c');
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("network '" + spec.model() + "' is closed");
        }
    }
}
