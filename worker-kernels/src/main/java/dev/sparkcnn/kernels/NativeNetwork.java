package dev.sparkcnn.kernels;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Engine {@code native}: a catalogue model as hand-written layers calling libnd4j ops directly
 * (oneDNN convolution and pooling in NHWC, gemm for dense layers), parameters, gradients and
 * updater state in one flat buffer each, arrays allocated once per batch size and reused.
 *
 * <p>The state is engine {@code dl4j}'s, value for value: DL4J's flat parameter layout, its updater
 * state layout and iteration count, and the same initial parameters (drawn by DL4J's initialiser
 * from the spec's seed). A state can be trained on one engine and resumed on the other.
 */
final class NativeNetwork implements Network {

    static final String ENGINE = "native";

    private final ModelSpec spec;
    private final DataType dataType;
    private final List<NativeLayer> layers;
    private final NativeUpdater updater;
    private final float[] initialParams;
    private final INDArray params;
    private final INDArray gradients;
    private final INDArray updaterState;
    private long iteration;
    private boolean closed;

    private int batchSize;
    private INDArray nchw;
    private INDArray input;
    private INDArray labels;
    private INDArray outputGradient;

    NativeNetwork(ModelSpec spec) {
        this(spec, DataType.FLOAT);
    }

    /** With {@code DOUBLE}, for gradient checks; the state still crosses the seam as floats. */
    NativeNetwork(ModelSpec spec, DataType dataType) {
        NativeRuntime.ensureFloatDefaults();
        this.spec = spec;
        this.dataType = dataType;
        this.layers = NativeModels.layers(spec, dataType);
        this.updater = NativeModels.updater(spec);
        this.initialParams = dl4jInitialParams(spec);
        long numParams = layers.stream().mapToLong(NativeLayer::numParams).sum();
        if (numParams != initialParams.length) {
            throw new IllegalStateException("engine native has " + numParams + " parameters for model '"
                    + spec.model() + "' but DL4J has " + initialParams.length);
        }
        this.params = Nd4j.create(dataType, numParams);
        this.gradients = Nd4j.create(dataType, numParams);
        long stateSize = updater.stateSize(numParams);
        this.updaterState = stateSize == 0 ? null : Nd4j.create(dataType, stateSize); // plain SGD has none
        long offset = 0;
        for (NativeLayer layer : layers) {
            layer.bind(params, gradients, offset);
            offset += layer.numParams();
        }
        load(initialState());
    }

    private static float[] dl4jInitialParams(ModelSpec spec) {
        MultiLayerNetwork net = new MultiLayerNetwork(Dl4jModels.configuration(spec));
        try {
            net.init();
            return net.params().toFloatVector();
        } finally {
            net.close();
        }
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
        return updater.stateSize(initialParams.length);
    }

    @Override
    public ModelState initialState() {
        return new ModelState(initialParams.clone(), new float[(int) updaterStateSize()], 0);
    }

    @Override
    public void load(ModelState state) {
        checkOpen();
        if (state.params().length != numParams() || state.updaterState().length != updaterStateSize()) {
            throw new IllegalArgumentException("state has " + state.params().length + " parameters and "
                    + state.updaterState().length + " updater values, but model '" + spec.model() + "' (engine "
                    + ENGINE + ") for " + spec.channels() + "x" + spec.height() + "x" + spec.width() + " and "
                    + spec.numClasses() + " classes has " + numParams() + " and " + updaterStateSize());
        }
        if (state.iteration() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("iteration " + state.iteration() + " exceeds the updater's int counter");
        }
        params.assign(Nd4j.createFromArray(state.params()));
        if (updaterState != null) {
            updaterState.assign(Nd4j.createFromArray(state.updaterState()));
        }
        iteration = state.iteration();
    }

    @Override
    public ModelState state() {
        checkOpen();
        return new ModelState(params.toFloatVector(),
                updaterState == null ? new float[0] : updaterState.toFloatVector(), iteration);
    }

    @Override
    public StepStats fit(Batch batch) {
        Score score = forwardBackward(batch);
        updater.apply(gradients, updaterState, iteration);
        params.subi(gradients);
        iteration++;
        return new StepStats(score.lossSum(), batch.size(), score.correct());
    }

    @Override
    public StepStats computeGradient(Batch batch, float[] gradient) {
        checkLength(gradient);
        Score score = forwardBackward(batch);
        copyOut(gradients, gradient);
        return new StepStats(score.lossSum(), batch.size(), score.correct());
    }

    @Override
    public void toUpdate(float[] gradient) {
        checkOpen();
        checkLength(gradient);
        fill(gradients, gradient);
        updater.apply(gradients, updaterState, iteration);
        iteration++;
        copyOut(gradients, gradient);
    }

    @Override
    public void applyUpdate(float[] update) {
        checkOpen();
        checkLength(update);
        fill(gradients, update);
        params.subi(gradients);
    }

    @Override
    public float[] params() {
        checkOpen();
        return params.toFloatVector();
    }

    @Override
    public void loadParams(float[] values) {
        checkOpen();
        checkLength(values);
        fill(params, values);
    }

    private static void copyOut(INDArray source, float[] target) {
        if (source.dataType() == DataType.FLOAT) {
            source.data().asNioFloat().get(0, target);
        } else {
            System.arraycopy(source.toFloatVector(), 0, target, 0, target.length);
        }
    }

    private void checkLength(float[] vector) {
        if (vector.length != numParams()) {
            throw new IllegalArgumentException("vector has " + vector.length + " values but model '" + spec.model()
                    + "' has " + numParams() + " parameters");
        }
    }

    @Override
    public float[] predict(Batch batch) {
        checkOpen();
        INDArray probabilities = forward(batch);
        return probabilities.reshape('c', new long[]{probabilities.length()}).toFloatVector();
    }

    /**
     * Leaves the gradient of the mean cross-entropy over the batch in the flat gradient buffer and
     * returns the summed cross-entropy, both at the current parameters.
     */
    double computeGradient(Batch batch) {
        return forwardBackward(batch).lossSum();
    }

    /** A batch's summed cross-entropy and how many of its examples the network classified right. */
    record Score(double lossSum, int correct) {
    }

    private Score forwardBackward(Batch batch) {
        checkOpen();
        INDArray probabilities = forward(batch);
        Score score = score(probabilities, batch.labels());
        fillOneHot(batch);
        meanCrossEntropyGradient(probabilities, labels, outputGradient);
        INDArray gradient = outputGradient;
        for (int i = layers.size() - 1; i >= 0; i--) {
            gradient = layers.get(i).backward(gradient);
        }
        return score;
    }

    /** The summed cross-entropy of the batch at the current parameters, in this network's precision. */
    double lossSum(Batch batch) {
        checkOpen();
        return crossEntropy(forward(batch), batch.labels());
    }

    /** The flat gradient buffer, as filled by the last {@link #computeGradient} or turned into an update by {@link #fit}. */
    double[] gradient() {
        return gradients.toDoubleVector();
    }

    double param(long index) {
        return params.getDouble(index);
    }

    void setParam(long index, double value) {
        params.putScalar(index, value);
    }

    private INDArray forward(Batch batch) {
        prepare(batch);
        INDArray activation = input;
        for (NativeLayer layer : layers) {
            activation = layer.forward(activation);
        }
        return activation;
    }

    /** Allocates the batch-size dependent arrays if the size changed, then copies the images in as NHWC. */
    private void prepare(Batch batch) {
        if (batch.imageSize() != spec.imageSize()) {
            throw new IllegalArgumentException("batch images have " + batch.imageSize() + " values but model '"
                    + spec.model() + "' expects " + spec.channels() + "x" + spec.height() + "x" + spec.width() + " = "
                    + spec.imageSize());
        }
        int size = batch.size();
        if (size != batchSize) {
            releaseBatchArrays();
            nchw = Nd4j.create(dataType, size, spec.channels(), spec.height(), spec.width());
            input = Nd4j.create(dataType, size, spec.height(), spec.width(), spec.channels());
            labels = Nd4j.create(dataType, size, spec.numClasses());
            outputGradient = Nd4j.create(dataType, size, spec.numClasses());
            for (NativeLayer layer : layers) {
                layer.allocate(size);
            }
            batchSize = size;
        }
        fill(nchw, batch.features());
        input.assign(nchw.permute(0, 2, 3, 1));
    }

    private void fillOneHot(Batch batch) {
        int classes = spec.numClasses();
        float[] oneHot = new float[batch.size() * classes];
        int[] classOf = batch.labels();
        for (int i = 0; i < batch.size(); i++) {
            oneHot[i * classes + classOf[i]] = 1f;
        }
        fill(labels, oneHot);
    }

    private static void fill(INDArray target, float[] values) {
        if (target.dataType() == DataType.FLOAT) {
            target.data().setData(values);
        } else {
            target.assign(Nd4j.createFromArray(values).reshape(target.shape()));
        }
    }

    /**
     * The gradient of the mean cross-entropy over the batch with respect to the softmax output
     * layer's pre-softmax values: {@code (probabilities - oneHot) / batch size}, written to {@code gradient}.
     */
    static void meanCrossEntropyGradient(INDArray probabilities, INDArray oneHot, INDArray gradient) {
        probabilities.sub(oneHot, gradient).divi(probabilities.size(0));
    }

    /**
     * The summed cross-entropy of {@code [batch, classes]} probabilities, as DL4J's MCXENT with
     * softmax: probabilities clipped to at least {@link CrossEntropy#CLIP}.
     */
    static double crossEntropy(INDArray probabilities, int[] classOf) {
        return score(probabilities, classOf).lossSum();
    }

    /** {@link #crossEntropy}, and the rows whose largest probability (ties to the lower class) is their label. */
    static Score score(INDArray probabilities, int[] classOf) {
        int classes = (int) probabilities.size(1);
        double[] p = probabilities.reshape('c', new long[]{probabilities.length()}).toDoubleVector();
        double sum = 0;
        int correct = 0;
        for (int i = 0; i < classOf.length; i++) {
            if (classOf[i] < 0 || classOf[i] >= classes) {
                throw new IllegalArgumentException("label " + classOf[i] + " of batch row " + i + " is not in [0, "
                        + classes + ")");
            }
            sum -= Math.log(Math.max(p[i * classes + classOf[i]], CrossEntropy.CLIP));
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (p[i * classes + c] > p[i * classes + best]) {
                    best = c;
                }
            }
            if (best == classOf[i]) {
                correct++;
            }
        }
        return new Score(sum, correct);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            releaseBatchArrays();
            NativeLayer.close(params);
            NativeLayer.close(gradients);
            NativeLayer.close(updaterState);
        }
    }

    private void releaseBatchArrays() {
        for (NativeLayer layer : layers) {
            layer.release();
        }
        NativeLayer.close(nchw);
        NativeLayer.close(input);
        NativeLayer.close(labels);
        NativeLayer.close(outputGradient);
        batchSize = 0;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("network '" + spec.model() + "' is closed");
        }
    }
}
