package dev.sparkcnn.kernels.sync;

import java.io.IOException;

/**
 * Collective operations among the replicas of one synchronous training round. Every member calls
 * the same operations in the same order; each call returns once all members took part.
 */
public interface Collective extends AutoCloseable {

    /** This member's position, 0 to {@link #size()} - 1. */
    int rank();

    /** The number of members. */
    int size();

    /**
     * Replaces {@code values} with the element-wise sum over all members. Every member ends with
     * bit-for-bit the same array (each element is added up once, in one order, and then copied).
     *
     * @throws IOException if a member fails or disconnects, or the call is cancelled
     */
    void allReduceSum(float[] values) throws IOException;

    /**
     * {@link #allReduceSum(float[])} in double: twice the bytes, for sums that must not round to
     * float on the way (all-reduce averaging's weighted sums, {@link dev.sparkcnn.kernels.WeightedMean}).
     *
     * @throws IOException if a member fails or disconnects, or the call is cancelled
     */
    void allReduceSum(double[] values) throws IOException;

    /**
     * Every member's message, indexed by rank (this member's own message at {@link #rank()}).
     *
     * @throws IOException if a member fails or disconnects, or the call is cancelled
     */
    byte[][] allGather(byte[] message) throws IOException;

    /** Bytes this member has sent so far (payload and framing). */
    long bytesSent();

    /** Closes the connections; members blocked on this one see an error at once. Idempotent. */
    @Override
    void close();
}
