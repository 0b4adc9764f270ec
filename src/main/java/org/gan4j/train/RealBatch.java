package org.gan4j.train;

import org.bytedeco.pytorch.Tensor;

/**
 * One batch of real examples on the model's device: samples x (N, ...), their class labels
 * (N, long) and a conditioning input (N, ...), each null where the data has none.
 */
public record RealBatch(Tensor x, Tensor labels, Tensor input) {
}
