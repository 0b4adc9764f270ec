package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;

/**
 * What a generator is given for one batch: noise z (N, zDim), class labels (N, long), a
 * conditioning input such as an image (N, C, H, W); each null where the task gives none.
 */
public record GenInput(Tensor z, Tensor labels, Tensor input) {
    public static GenInput noise(Tensor z) {
        return new GenInput(z, null, null);
    }

    /** Rows [from, from + n) of every part. */
    public GenInput narrow(long from, long n) {
        return new GenInput(z == null ? null : z.narrow(0, from, n), labels == null ? null : labels.narrow(0, from, n),
                input == null ? null : input.narrow(0, from, n));
    }
}
