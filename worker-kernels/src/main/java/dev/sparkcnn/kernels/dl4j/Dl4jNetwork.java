package dev.sparkcnn.kernels.dl4j;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.LabelSmoothing;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.StepStats;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.optim.UpdaterRule;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Engine {@code dl4j}: a catalogue model as a DL4J {@link MultiLayerNetwork}, built once and reused.
 * Parameters are DL4J's flattened parameter view, updater state its updater's state view (one
 * block for all layers: e.g. Adam's first then second moments), iteration the configuration's
 * iteration count, which Adam's bias correction reads.
 */
final class Dl4jNetwork implements Network {

    static final String ENGINE = Dl4jEngine.NAME;

    private final ModelSpec spec;
    private final MultiLayerNetwork net;
    private final float[] initialParams;
    private final long updaterStateSize;
    private final UpdaterRule optimizer;
    private boolean closed;

    Dl4jNetwork(ModelSpec spec) {
        NativeRuntime.ensureFloatDefaults();
        this.spec = spec;
        this.net = new MultiLayerNetwork(Dl4jModels.configuration(spec));
        net.init(); // draws the initial parameters from spec.seed()
        this.initialParams = net.params().toFloatVector();
        INDArray updaterView = updaterView();
        this.updaterStateSize = updaterView == null ? 0 : updaterView.length();
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
        return updaterStateSize;
    }

    @Override
    public ModelState initialState() {
        return new ModelState(initialParams.clone(), new float[(int) updaterStateSize], 0);
    }

    @Override
    public void load(ModelState state) {
        checkOpen();
        if (state.params().length != initialParams.length || state.updaterState().length != updaterStateSize) {
            throw new IllegalArgumentException("state has " + state.params().length + " parameters and "
                    + state.updaterState().length + " updater values, but model '" + spec.model() + "' (engine "
                    + ENGINE + ") for " + spec.channels() + "x" + spec.height() + "x" + spec.width() + " and "
                    + spec.numClasses() + " classes has " + initialParams.length + " and " + updaterStateSize);
        }
        if (state.iteration() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("iteration " + state.iteration() + " exceeds DL4J's int counter");
        }
        assign(net.params(), state.params());
        INDArray updaterView = updaterView();
        if (updaterView != null) {
            assign(updaterView, state.updaterState());
        }
        net.setIterationCount((int) state.iteration());
        net.setEpochCount(0);
    }

    @Override
    public ModelState state() {
        checkOpen();
        INDArray updaterView = updaterView();
        float[] updater = updaterView == null ? new float[0] : updaterView.toFloatVector();
        return new ModelState(net.params().toFloatVector(), updater, net.getIterationCount());
    }

    @Override
    public StepStats fit(Batch batch) {
        checkOpen();
        INDArray features = features(batch);
        INDArray labels = oneHot(batch);
        // DL4J's score: mean loss over the batch, computed in the forward pass before the update, plus
        // the weight-decay term at the parameters before the update, which is taken off again: the
        // loss reported is the cross-entropy (against the smoothed targets), as engine native reports it.
        double regularization = spec.training().weightDecay() == 0 ? 0 : net.calcRegularizationScore(true);
        net.fit(features, labels);
        return new StepStats((net.score() - regularization) * batch.size(), batch.size());
    }

    /**
     * DL4J's backward pass; its flattened gradient is the sum over the batch (DL4J's updater
     * divides by the batch size), so it is divided here to give the seam's mean.
     */
    @Override
    public StepStats computeGradient(Batch batch, float[] gradient) {
        checkOpen();
        checkLength(gradient);
        net.setInput(features(batch));
        net.setLabels(oneHot(batch));
        net.computeGradientAndScore();
        INDArray flat = net.getFlattenedGradients();
        float[] values = flat.toFloatVector();
        float scale = 1f / batch.size();
        for (int i = 0; i < values.length; i++) {
            gradient[i] = values[i] * scale;
        }
        return new StepStats(net.score() * batch.size(), batch.size());
    }

    /**
     * The same libnd4j updater op DL4J's updater runs, on DL4J's own updater state view (one block
     * for all layers, as {@link #fit} uses it).
     */
    @Override
    public void toUpdate(float[] gradient) {
        checkOpen();
        checkLength(gradient);
        INDArray g = Nd4j.createFromArray(gradient);
        INDArray updaterView = updaterView();
        if (updaterView != null && updaterView.offset() != 0) {
            throw new IllegalStateException("DL4J's updater state view starts at offset " + updaterView.offset()
                    + "; expected its own buffer");
        }
        optimizer.apply(g, net.params(), updaterView == null ? null : updaterView.reshape(updaterView.length()),
                net.getIterationCount());
        net.setIterationCount(net.getIterationCount() + 1);
        System.arraycopy(g.toFloatVector(), 0, gradient, 0, gradient.length);
    }

    @Override
    public void applyUpdate(float[] update) {
        checkOpen();
        checkLength(update);
        net.params().subi(Nd4j.create(update, net.params().shape(), 'c'));
    }

    @Override
    public float[] params() {
        checkOpen();
        return net.params().toFloatVector();
    }

    @Override
    public void loadParams(float[] values) {
        checkOpen();
        checkLength(values);
        assign(net.params(), values);
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
        INDArray out = net.output(features(batch), false);
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

    private static void assign(INDArray target, float[] values) {
        target.assign(Nd4j.create(values, target.shape(), 'c'));
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
