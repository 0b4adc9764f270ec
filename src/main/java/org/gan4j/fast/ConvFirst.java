package org.gan4j.fast;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Layers;

/**
 * A capability of a discriminator whose first layer is a convolution and whose logits follow
 * from that layer's output: the G step may then take the input gradient of that layer by its own
 * product ({@link FastConv#inputGradient}) past a graph cut after it.
 */
public interface ConvFirst {
    Layers.Conv2d firstLayer();

    /** D's logits (N) from the first layer's output. */
    Tensor logitsFromFirstLayer(Tensor h);
}
