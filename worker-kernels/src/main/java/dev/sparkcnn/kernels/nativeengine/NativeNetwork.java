package dev.sparkcnn.kernels.nativeengine;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.CrossEntropy;
import dev.sparkcnn.kernels.LabelSmoothing;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.StepStats;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.ParamLayout;
import dev.sparkcnn.kernels.optim.UpdaterRule;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Engine {@code native}: a network definition as hand-written layers calling libnd4j ops directly
 * (oneDNN convolution and pooling in NHWC, gemm for dense layers), parameters, gradients and
 * updater state in one flat buffer each, arrays allocated once per batch size and reused.
 *
 * <p>The state is engine {@code dl4j}'s, value for value: DL4J's flat parameter layout, its updater
 * state layout and iteration count, and the same initial parameters (drawn from the spec's seed by
 * {@link ParamLayout#initialParams}, as DL4J's initialiser draws them). A state can be trained on
 * one engine and resumed on the other.
 *
 * <p><b>Batch slices.</b> When the calling thread was given several native threads
 * ({@link NativeRuntime#configureThreads}), a batch is split into up to that many slices of at least
 * {@link #MIN_SLICE} examples, each run forward and backward on its own thread with its own copy of
 * the layers' arrays (one native thread each, or an equal share), the parameters shared; the slices'
 * gradients are summed in slice order, so a step is deterministic for a given thread count. On the
 * catalogue models' small layers this beats giving each op all threads (2 cores, batch 64:
 * cifar-cnn 1.2x, simple-cnn 1.3x, mnist-cnn 1.1x), because per-op threading of these layers scales
 * poorly. The slices' sum equals the whole batch's gradient up to float rounding. A network with
 * batch normalization runs each batch as one slice, all threads on each op: its batch statistics
 * span the whole batch, as in PyTorch and DL4J.
 *
 * <p><b>Training and inference.</b> Before each forward pass every layer is told the
 * {@link StepContext}: training in {@link #fit} and {@link #computeGradient}, keyed by (seed,
 * {@linkplain #partition partition}, iteration) for dropout; inference in {@link #predict}.
 */
final class NativeNetwork implements Network {

    static final String ENGINE = NativeEngine.NAME;

    /** The fewest examples a batch slice gets: smaller slices are dominated by per-op overhead. */
    static final int MIN_SLICE = 16;

    private final ModelSpec spec;
    private final DataType dataType;
    /** Slice 0 computes into {@link #gradients}; more are built on first use, each with its own gradient buffer. */
    private final List<Slice> slices = new ArrayList<>();
    private ExecutorService sliceThreads;
    private final UpdaterRule updater;
    private final float[] initialParams;
    private final INDArray params;
    private final INDArray gradients;
    private final INDArray updaterState;
    private long iteration;
    private int partition;
    /** The channel block its layers hand activations on in (oneDNN's blocked layout), 0 for NHWC. */
    private final int channelBlock;

    /** Batch statistics must span the whole batch: such a network is never cut into slices. */
    private final boolean batchNorm;
    private boolean closed;

    NativeNetwork(ModelSpec spec) {
        this(spec, DataType.FLOAT);
    }

    /** With {@code DOUBLE}, for gradient checks; the state still crosses the seam as floats. */
    NativeNetwork(ModelSpec spec, DataType dataType) {
        NativeRuntime.ensureFloatDefaults();
        this.spec = spec;
        this.dataType = dataType;
        NativeCompiler.Compiled compiled = NativeCompiler.compile(spec, dataType);
        List<NativeLayer> layers = compiled.layers();
        this.channelBlock = compiled.block();
        this.batchNorm = NativeCompiler.hasBatchNorm(spec.definition().layers());
        this.updater = UpdaterRule.of(spec);
        ParamLayout layout = spec.layout();
        this.initialParams = layout.initialParams(spec.seed());
        long numParams = layers.stream().mapToLong(NativeLayer::numParams).sum();
        if (numParams != initialParams.length) {
            throw new IllegalStateException("engine native has " + numParams + " parameters for model '"
                    + spec.model() + "' but its layout has " + initialParams.length);
        }
        this.params = Nd4j.create(dataType, numParams);
        this.gradients = Nd4j.create(dataType, numParams);
        long stateSize = updater.stateSize(numParams);
        this.updaterState = stateSize == 0 ? null : Nd4j.create(dataType, stateSize); // plain SGD has none
        slices.add(new Slice(layers, gradients));
        load(initialState());
    }

    /**
     * The channel block its layers hand activations on in: 16 for {@code nChw16c} (see
     * {@link Dnnl#layoutBlock}), 0 for NHWC.
     */
    int channelBlock() {
        return channelBlock;
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
    public void partition(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + index);
        }
        partition = index;
    }

    @Override
    public StepStats fit(Batch batch) {
        Score score = forwardBackward(batch);
        updater.apply(gradients, params, updaterState, iteration);
        params.subi(gradients);
        iteration++;
        return new StepStats(score.lossSum(), batch.size(), score.correct());
    }

    @Override
    public StepStats computeGradient(Batch batch, float[] gradient) {
        checkLength(gradient);
        Score score = forwardBackward(batch);
        copyOut(gradients, gradient, 0);
        return new StepStats(score.lossSum(), batch.size(), score.correct());
    }

    @Override
    public void toUpdate(float[] gradient) {
        checkOpen();
        checkLength(gradient);
        fill(gradients, gradient);
        updater.apply(gradients, params, updaterState, iteration);
        iteration++;
        copyOut(gradients, gradient, 0);
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

    /** Copies all of {@code source} ('c' order, zero offset) into {@code target} from {@code offset}. */
    private static void copyOut(INDArray source, float[] target, int offset) {
        int length = (int) source.length();
        if (source.dataType() == DataType.FLOAT) {
            source.data().asNioFloat().get(target, offset, length);
        } else {
            float[] values = source.reshape('c', new long[]{length}).toFloatVector();
            System.arraycopy(values, 0, target, offset, length);
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
        checkImageSize(batch);
        int classes = spec.numClasses();
        float[] out = new float[batch.size() * classes];
        int[] bounds = sliceBounds(batch.size());
        runSlices(bounds, (slice, from, count) -> {
            INDArray probabilities = slice.forward(batch, from, count, StepContext.INFERENCE);
            copyOut(probabilities, out, from * classes);
            return null;
        });
        return out;
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
        checkImageSize(batch);
        int[] bounds = sliceBounds(batch.size());
        List<Score> scores = runSlices(bounds,
                (slice, from, count) -> slice.forwardBackward(batch, from, count, batch.size()));
        double lossSum = 0;
        int correct = 0;
        for (int i = 0; i < scores.size(); i++) {
            lossSum += scores.get(i).lossSum();
            correct += scores.get(i).correct();
            if (i > 0) {
                gradients.addi(slices.get(i).gradients);
            }
        }
        return new Score(lossSum, correct);
    }

    /** Slice boundaries {@code [0, b1, ..., size]} for the calling thread's native threads (see the class comment). */
    private int[] sliceBounds(int size) {
        int count = batchNorm ? 1 : slices(size, NativeRuntime.requestedThreads());
        int[] bounds = new int[count + 1];
        for (int i = 0; i <= count; i++) {
            bounds[i] = (int) ((long) size * i / count);
        }
        return bounds;
    }

    /** How many slices a batch of {@code size} is split into on a thread given {@code threads} native threads. */
    static int slices(int size, int threads) {
        return Math.max(1, Math.min(threads, size / MIN_SLICE));
    }

    /** Work on rows {@code [from, from + count)} of a batch, run by one slice. */
    private interface SliceWork<T> {
        T run(Slice slice, int from, int count);
    }

    /**
     * Runs the work of each slice: slice 0 on the calling thread, the others on this network's slice
     * threads, each with an equal share of the calling thread's native threads; returns the results in
     * slice order. With one slice, runs on the calling thread with its settings unchanged.
     */
    private <T> List<T> runSlices(int[] bounds, SliceWork<T> work) {
        int count = bounds.length - 1;
        int share = Math.max(1, NativeRuntime.requestedThreads() / count);
        // a slice thread's native threads stay at its share between steps (engine dl4j re-applies the
        // full count when it runs on this thread): switching the caller back to all threads after every
        // step cost a quarter of the throughput (cifar-cnn on 2 cores: 1,800 instead of 2,400 images/s)
        NativeRuntime.applyThreads(share);
        if (count == 1) {
            return java.util.Collections.singletonList(work.run(slices.get(0), 0, bounds[1]));
        }
        while (slices.size() < count) {
            addSlice();
        }
        if (sliceThreads == null) {
            sliceThreads = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "sparkcnn-slice-" + spec.model());
                thread.setDaemon(true);
                return thread;
            });
        }
        List<Future<T>> others = new ArrayList<>(count - 1);
        for (int i = 1; i < count; i++) {
            Slice slice = slices.get(i);
            int from = bounds[i];
            int rows = bounds[i + 1] - from;
            others.add(sliceThreads.submit(() -> {
                NativeRuntime.applyThreads(share);
                return work.run(slice, from, rows);
            }));
        }
        List<T> results = new ArrayList<>(count);
        RuntimeException failure = null;
        try {
            results.add(work.run(slices.get(0), 0, bounds[1]));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<T> other : others) { // always wait: the slices share this network's arrays
            try {
                results.add(join(other));
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch slice", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("batch slice failed", cause);
        }
    }

    private void addSlice() {
        List<NativeLayer> layers = NativeCompiler.layers(spec, dataType);
        slices.add(new Slice(layers, Nd4j.create(dataType, params.length())));
    }

    /**
     * The summed cross-entropy of the batch at the current parameters, in this network's precision, as
     * the training forward pass of the next step sees it (batch statistics, the step's dropout masks).
     */
    double lossSum(Batch batch) {
        checkOpen();
        checkImageSize(batch);
        return crossEntropy(slices.get(0).forward(batch, 0, batch.size(), training(0, batch.size(), batch.size())),
                batch.labels());
    }

    /** The training context of rows {@code [from, from + count)} of the next step's batch of {@code total}. */
    private StepContext training(int from, int count, int total) {
        return new StepContext(true, spec.seed(), partition, iteration, from, count, total);
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

    private void checkImageSize(Batch batch) {
        if (batch.imageSize() != spec.imageSize()) {
            throw new IllegalArgumentException("batch images have " + batch.imageSize() + " values but model '"
                    + spec.model() + "' expects " + spec.channels() + "x" + spec.height() + "x" + spec.width() + " = "
                    + spec.imageSize());
        }
    }

    private static void fill(INDArray target, float[] values) {
        fill(target, values, 0, values.length);
    }

    /** Copies {@code length} values from {@code values[from]} into {@code target} ('c' order, length {@code length}). */
    private static void fill(INDArray target, float[] values, int from, int length) {
        if (target.dataType() == DataType.FLOAT) {
            target.data().asNioFloat().put(values, from, length);
        } else {
            float[] part = from == 0 && length == values.length ? values : java.util.Arrays.copyOfRange(values, from, from + length);
            target.assign(Nd4j.createFromArray(part).reshape(target.shape()));
        }
    }

    /**
     * The gradient of the mean cross-entropy over the batch with respect to the softmax output
     * layer's pre-softmax values: {@code (probabilities - oneHot) / batch size}, written to {@code gradient}.
     */
    static void meanCrossEntropyGradient(INDArray probabilities, INDArray oneHot, INDArray gradient) {
        meanCrossEntropyGradient(probabilities, oneHot, gradient, probabilities.size(0));
    }

    /** As above for rows of a batch of {@code batchSize} (a slice's share of the whole batch's mean). */
    static void meanCrossEntropyGradient(INDArray probabilities, INDArray oneHot, INDArray gradient, long batchSize) {
        probabilities.sub(oneHot, gradient).divi(batchSize);
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
        return score(probabilities, classOf, 0);
    }

    /** As above for rows {@code firstRow...} of a batch (for error messages). */
    static Score score(INDArray probabilities, int[] classOf, int firstRow) {
        int classes = (int) probabilities.size(1);
        double[] p = probabilities.reshape('c', new long[]{probabilities.length()}).toDoubleVector();
        double sum = 0;
        int correct = 0;
        for (int i = 0; i < classOf.length; i++) {
            if (classOf[i] < 0 || classOf[i] >= classes) {
                throw new IllegalArgumentException("label " + classOf[i] + " of batch row " + (firstRow + i)
                        + " is not in [0, " + classes + ")");
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
            if (sliceThreads != null) {
                sliceThreads.shutdownNow();
            }
            for (int i = 0; i < slices.size(); i++) {
                slices.get(i).release();
                if (i > 0) {
                    NativeLayer.close(slices.get(i).gradients);
                }
            }
            NativeLayer.close(params);
            NativeLayer.close(gradients);
            NativeLayer.close(updaterState);
        }
    }

    /**
     * One copy of the layers' arrays, bound to the shared parameters and to its own gradient buffer:
     * runs rows of a batch forward (and backward).
     */
    private final class Slice {
        private final List<NativeLayer> layers;
        private final INDArray gradients;
        private int batchSize;
        private INDArray nchw;
        private INDArray input;
        private INDArray labels;
        private INDArray outputGradient;

        Slice(List<NativeLayer> layers, INDArray gradients) {
            this.layers = layers;
            this.gradients = gradients;
            long offset = 0;
            for (NativeLayer layer : layers) {
                layer.bind(params, gradients, offset);
                offset += layer.numParams();
            }
        }

        /** The output probabilities of rows {@code [from, from + count)} of the batch; the array is reused. */
        INDArray forward(Batch batch, int from, int count, StepContext context) {
            prepare(batch, from, count);
            INDArray activation = input;
            for (NativeLayer layer : layers) {
                layer.begin(context);
                activation = layer.forward(activation);
            }
            return activation;
        }

        /**
         * Forward and backward on rows {@code [from, from + count)}: leaves in this slice's gradient
         * buffer the gradient of their summed cross-entropy divided by {@code batchTotal}.
         */
        Score forwardBackward(Batch batch, int from, int count, int batchTotal) {
            INDArray probabilities = forward(batch, from, count, training(from, count, batchTotal));
            int[] classOf = java.util.Arrays.copyOfRange(batch.labels(), from, from + count);
            Score score = score(probabilities, classOf, from);
            double smoothing = spec.training().labelSmoothing();
            if (smoothing != 0) { // the loss against the smoothed targets the gradient is of
                score = new Score(LabelSmoothing.lossSum(probabilities.reshape('c', new long[]{probabilities.length()})
                        .toDoubleVector(), classOf, spec.numClasses(), smoothing), score.correct());
            }
            fillOneHot(classOf);
            meanCrossEntropyGradient(probabilities, labels, outputGradient, batchTotal);
            INDArray gradient = outputGradient;
            for (int i = layers.size() - 1; i >= 0; i--) {
                gradient = layers.get(i).backward(gradient);
            }
            return score;
        }

        /** Allocates the batch-size dependent arrays if the size changed, then copies the rows in as NHWC. */
        private void prepare(Batch batch, int from, int count) {
            if (count != batchSize) {
                release();
                nchw = Nd4j.create(dataType, count, spec.channels(), spec.height(), spec.width());
                input = Nd4j.create(dataType, count, spec.height(), spec.width(), spec.channels());
                labels = Nd4j.create(dataType, count, spec.numClasses());
                outputGradient = Nd4j.create(dataType, count, spec.numClasses());
                for (NativeLayer layer : layers) {
                    layer.allocate(count);
                }
                batchSize = count;
            }
            int imageSize = spec.imageSize();
            fill(nchw, batch.features(), from * imageSize, count * imageSize);
            input.assign(nchw.permute(0, 2, 3, 1));
        }

        private void fillOneHot(int[] classOf) {
            fill(labels, LabelSmoothing.targets(classOf, spec.numClasses(), spec.training().labelSmoothing()));
        }

        void release() {
            for (NativeLayer layer : layers) {
                layer.release();
            }
            NativeLayer.close(nchw);
            NativeLayer.close(input);
            NativeLayer.close(labels);
            NativeLayer.close(outputGradient);
            nchw = null;
            input = null;
            labels = null;
            outputGradient = null;
            batchSize = 0;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("network '" + spec.model() + "' is closed");
        }
    }
}
