package dev.sparkcnn.kernels.model.keras;

import dev.sparkcnn.kernels.model.Activation;
import dev.sparkcnn.kernels.model.BatchNorm;
import dev.sparkcnn.kernels.model.Conv2d;
import dev.sparkcnn.kernels.model.LayerSpec;
import dev.sparkcnn.kernels.model.Residual;
import dev.sparkcnn.kernels.model.keras.KerasGraph.Block;
import java.util.ArrayList;
import java.util.List;

/**
 * A Keras residual block (see {@link KerasGraph}) as sparkcnn's {@link Residual}: the block's layers,
 * the identity or a projection shortcut, the activation after the add. sparkcnn's projection is a
 * 1x1 convolution without bias (any stride) and a batch normalization with its defaults, so the
 * Keras shortcut must be exactly that.
 */
final class KerasBlocks {

    private KerasBlocks() {
    }

    static Residual residual(Block block) {
        List<LayerSpec> layers = new ArrayList<>();
        for (KerasLayer layer : block.main()) {
            KerasLayers.convert(layer).ifPresent(layers::add);
        }
        if (layers.isEmpty()) {
            throw block.add().error("inbound_nodes", "the residual block closed here has no layers that compute "
                    + "anything");
        }
        int stride = 1;
        BatchNorm norm = BatchNorm.DEFAULT;
        boolean projection = !block.shortcut().isEmpty();
        if (projection) {
            stride = projectionStride(block.shortcut().get(0));
            norm = (BatchNorm) KerasLayers.convert(block.shortcut().get(1)).orElseThrow();
        }
        new KerasConfig(block.add()).finish();
        Activation activation = block.activation() == null ? Activation.IDENTITY
                : KerasLayers.activationOf(block.activation());
        try {
            return new Residual(layers, projection, stride, activation, norm);
        } catch (LayerSpec.Invalid e) {
            throw block.add().error(e.field(), e.problem());
        }
    }

    /** Checks a shortcut's Conv2D against sparkcnn's projection; returns its stride. */
    private static int projectionStride(KerasLayer conv) {
        LayerSpec convSpec = KerasLayers.convert(conv).orElseThrow();
        if (!(convSpec instanceof Conv2d c)) {
            throw conv.error(null, "a projection shortcut starts with a Conv2D");
        }
        if (c.kernel() != 1) {
            throw conv.error("kernel_size", "is " + c.kernel() + "x" + c.kernel() + "; a projection shortcut is a 1x1 "
                    + "convolution");
        }
        if (c.bias()) {
            throw conv.error("use_bias", "is true; sparkcnn's projection shortcut has no bias (the batch "
                    + "normalization after it shifts): set use_bias=False");
        }
        if (c.activation() != Activation.IDENTITY) {
            throw conv.error("activation", "is " + c.activation().id() + "; a projection shortcut's convolution is "
                    + "linear");
        }
        return c.stride();
    }
}
