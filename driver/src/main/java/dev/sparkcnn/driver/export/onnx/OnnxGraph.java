package dev.sparkcnn.driver.export.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.nd4j.shade.protobuf.ByteString;

/**
 * An ONNX graph under construction, walked layer by layer: the current tensor (the previous
 * layer's output) and its per-example shape ({@code [c, h, w]} for images in NCHW, {@code [n]}
 * after flattening), and a cursor over the flat parameter vector.
 */
final class OnnxGraph {
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final float[] params;
    private final int classes;
    private int cursor;
    private int counter;
    private String current;
    private long[] shape;

    OnnxGraph(float[] params, int classes, String input, long[] shape) {
        this.params = params;
        this.classes = classes;
        this.current = input;
        this.shape = shape.clone();
    }

    GraphProto.Builder proto() {
        return graph;
    }

    /** The current tensor's name. */
    String current() {
        return current;
    }

    /** The current tensor's per-example shape. */
    long[] shape() {
        return shape.clone();
    }

    /** The current tensor's per-example {@code [c, h, w]}; refuses flat features. */
    long[] image() {
        if (shape.length != 3) {
            throw new IllegalArgumentException("an input of " + shape[0] + " flat features (it needs an image)");
        }
        return shape.clone();
    }

    /** The data's class count (the output layer's units). */
    int classes() {
        return classes;
    }

    /** Makes an earlier tensor current again (a second branch from the same input). */
    void resume(String tensor, long[] tensorShape) {
        current = tensor;
        shape = tensorShape.clone();
    }

    /** The next {@code n} parameters; the message names {@code what} if there are fewer left. */
    float[] take(long n, String what) {
        if (n > params.length - cursor) {
            throw new IllegalArgumentException(what + " needs " + n + " parameters but only " + (params.length - cursor)
                    + " of " + params.length + " are left: the stored parameters do not match the network");
        }
        float[] slice = Arrays.copyOfRange(params, cursor, cursor + (int) n);
        cursor += (int) n;
        return slice;
    }

    /** Parameters not taken by any layer. */
    int remaining() {
        return params.length - cursor;
    }

    /** A float initializer named after {@code prefix}; returns its name. */
    String constant(String prefix, float[] values, long... dims) {
        String name = unique(prefix);
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT)
                .addAllDims(Arrays.stream(dims).boxed().toList()).setRawData(ByteString.copyFrom(bytes.array())));
        return name;
    }

    /**
     * Adds a node reading {@code inputs}; its single output becomes the current tensor, with the
     * given per-example shape.
     */
    void node(String op, List<String> inputs, long[] outShape, AttributeProto... attributes) {
        String output = unique(op.toLowerCase(java.util.Locale.ROOT));
        graph.addNode(NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output)
                .addAllAttribute(List.of(attributes)));
        current = output;
        shape = outShape.clone();
    }

    private String unique(String prefix) {
        return prefix + "_" + counter++;
    }

    static AttributeProto ints(String name, long... values) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS)
                .addAllInts(Arrays.stream(values).boxed().toList()).build();
    }

    static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
    }
}
