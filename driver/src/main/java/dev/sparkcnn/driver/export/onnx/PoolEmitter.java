package dev.sparkcnn.driver.export.onnx;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/** Max-pooling as ONNX {@code MaxPool} (floor mode, as DL4J's Truncate); average pooling without padding as {@code AveragePool}. */
final class PoolEmitter implements LayerEmitter<SubsamplingLayer> {

    @Override
    public Class<SubsamplingLayer> kind() {
        return SubsamplingLayer.class;
    }

    @Override
    public void emit(SubsamplingLayer layer, OnnxGraph graph) {
        if (layer.getCnn2dDataFormat() != null && layer.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("data format " + layer.getCnn2dDataFormat() + " (only NCHW)");
        }
        for (int d : layer.getDilation()) {
            if (d != 1) {
                throw new IllegalArgumentException("dilation " + d + " (only 1)");
            }
        }
        PoolingType type = layer.getPoolingType();
        long[] in = graph.shape();
        int[] k = layer.getKernelSize();
        int[] s = layer.getStride();
        Spatial spatial = Spatial.of(layer.getConvolutionMode(), in, k, s, layer.getPadding());
        String op = switch (type) {
            case MAX -> "MaxPool";
            case AVG -> {
                if (java.util.Arrays.stream(spatial.pads()).anyMatch(p -> p != 0)) {
                    // DL4J and ONNX count the padded cells differently at the border
                    throw new IllegalArgumentException("average pooling with padding");
                }
                yield "AveragePool";
            }
            default -> throw new IllegalArgumentException("pooling type " + type + " (only MAX, AVG)");
        };
        graph.node(op, List.of(graph.current()), new long[]{in[0], spatial.outHeight(), spatial.outWidth()},
                OnnxGraph.ints("kernel_shape", k[0], k[1]), OnnxGraph.ints("strides", s[0], s[1]),
                OnnxGraph.ints("pads", spatial.pads()));
    }
}
