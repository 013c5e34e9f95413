package dev.sparkcnn.kernels;

import dev.sparkcnn.kernels.model.ModelSpec;

/**
 * A trainable classifier behind a flat-state seam: state in, k steps on batches, state out. This is
 * all strategies and the driver see of a model; which library computes the layers (the
 * {@linkplain #engine() engine}) stays behind it.
 *
 * <p>Not thread-safe: one instance per executor thread, reused across tasks (each task starts with
 * {@link #load(ModelState)}). Holds native memory until {@link #close()}.
 */
public interface Network extends AutoCloseable {

    /** The spec this network was built from. */
    ModelSpec spec();

    /** The engine's name, as given to {@link NetworkFactory#create(ModelSpec, String)}. */
    String engine();

    /** The length of {@link ModelState#params()}. */
    long numParams();

    /** The length of {@link ModelState#updaterState()} (0 for plain SGD). */
    long updaterStateSize();

    /**
     * Freshly initialised parameters drawn from the spec's seed (the same spec always gives the
     * identical state), zero updater state, iteration 0. Does not change the loaded state.
     */
    ModelState initialState();

    /**
     * Replaces parameters, updater state and iteration count with copies of the given state.
     *
     * @throws IllegalArgumentException if the array lengths do not match this network
     */
    void load(ModelState state);

    /** A copy of the current parameters, updater state and iteration count. */
    ModelState state();

    /**
     * Keys this network's random draws (dropout masks) to a data partition: a step's masks are drawn
     * from (the spec's seed, partition, iteration count), so runs are reproducible, partitions draw
     * different masks, and one partition draws what the single-process trainer draws. 0 until set.
     */
    default void partition(int index) {
    }

    /** One optimizer step on one batch; increments the iteration count. */
    StepStats fit(Batch batch);

    /**
     * The gradient of the batch's mean cross-entropy at the current parameters, written to
     * {@code gradient} (length {@link #numParams()}); returns the summed cross-entropy and (where the
     * engine measures it) the examples classified right, as {@link #fit} does. Parameters, updater
     * state and iteration are unchanged.
     *
     * <p>This, {@link #toUpdate} and {@link #applyUpdate} are {@link #fit} split into the three
     * parts between which a synchronous strategy combines the replicas' work: {@code fit(b)} equals
     * {@code computeGradient(b, g); toUpdate(g); applyUpdate(g)}.
     */
    StepStats computeGradient(Batch batch, float[] gradient);

    /**
     * Turns a gradient (a mean over examples) into this step's parameter update, in place: runs the
     * optimizer, advancing its state and the iteration count. Parameters are unchanged.
     */
    void toUpdate(float[] gradient);

    /** Subtracts an update from the parameters; updater state and iteration are unchanged. */
    void applyUpdate(float[] update);

    /** A copy of the current parameters (cheaper than {@link #state()}). */
    float[] params();

    /** Replaces the parameters only; updater state and iteration are unchanged. */
    void loadParams(float[] params);

    /** Class probabilities, row-major {@code [batch.size()][numClasses]}; does not change the state. */
    float[] predict(Batch batch);

    /** The summed cross-entropy of a batch given its predicted probabilities (from {@link #predict}). */
    default double loss(Batch batch, float[] probabilities) {
        return CrossEntropy.sum(probabilities, batch.labels(), batch.size(), spec().numClasses());
    }

    /** Releases native memory; the network is unusable afterwards. Idempotent. */
    @Override
    void close();
}
