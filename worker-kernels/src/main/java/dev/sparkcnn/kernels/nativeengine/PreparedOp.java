package dev.sparkcnn.kernels.nativeengine;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A libnd4j custom op bound once to a native op context (its input and output arrays, integer,
 * float and boolean arguments) and then run many times. {@code Nd4j.exec(op)} (and
 * {@code Nd4j.gemm}, which wraps a matmul op) builds a native context, copies every array's buffer
 * and shape pointers and every argument into it, and frees it again on every call; the native
 * engine runs the same ops on the same arrays every step, so it prepares them once per batch size.
 *
 * <p>The arrays must stay allocated, with their shapes, while the op is in use; close it before
 * releasing them. One thread at a time.
 */
final class PreparedOp implements AutoCloseable {

    private final CustomOp op;
    private final OpContext context;

    PreparedOp(CustomOp op) {
        if (op.outputArguments().isEmpty()) {
            throw new IllegalArgumentException("op " + op.opName() + " needs its output arrays to be prepared");
        }
        this.op = op;
        this.context = Nd4j.getExecutioner().buildContext();
        context.shapeFunctionOverride(true); // the outputs are given
        context.markInplace(op.isInplaceCall());
        context.setInputArrays(op.inputArguments());
        context.setOutputArrays(op.outputArguments());
        context.setIArguments(op.iArgs());
        context.setTArguments(op.tArgs());
        context.setBArguments(op.bArgs());
        context.setDArguments(op.dArgs());
    }

    /** {@code c = op(a) op(b)}, as {@code Nd4j.gemm(a, b, c, transposeA, transposeB, 1, 0)}. */
    static PreparedOp gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB) {
        return new PreparedOp(new Mmul(a, b, c, 1.0, 0.0,
                MMulTranspose.builder().transposeA(transposeA).transposeB(transposeB).build()));
    }

    /** Runs the op on its arrays as they are now. */
    void exec() {
        Nd4j.getExecutioner().exec(op, context);
    }

    @Override
    public void close() {
        try {
            context.close();
        } catch (Exception e) { // CpuOpContext.close() frees native memory and throws nothing checked
            throw new IllegalStateException("closing the native context of op " + op.opName() + " failed", e);
        }
    }

    /** Closes a prepared op; tolerates {@code null}. */
    static void close(PreparedOp op) {
        if (op != null) {
            op.close();
        }
    }
}
