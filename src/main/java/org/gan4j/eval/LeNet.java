package org.gan4j.eval;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Net;

/**
 * A small LeNet-style classifier for 28x28x1 images (LeCun et al. 1998), used to score
 * generators the way TF-GAN scores MNIST: 5x5 conv 1->32, ReLU, 2x2 max-pool, 5x5 conv 32->64,
 * ReLU, max-pool, dense 3136 -> 128 (the features), ReLU, dense 128 -> classes (logits).
 */
public final class LeNet extends Net {
    private final Layers.Conv2d conv1;
    private final Layers.Conv2d conv2;
    private final Layers.Linear fc1;
    private final Layers.Linear fc2;

    public LeNet(int classes) {
        conv1 = child("conv1", Layers.conv2d(1, 32, 5, 1, 2));
        conv2 = child("conv2", Layers.conv2d(32, 64, 5, 1, 2));
        fc1 = child("fc1", Layers.linear(64 * 7 * 7, 128));
        fc2 = child("fc2", Layers.linear(128, classes));
    }

    /** Penultimate-layer features, (N, 1, 28, 28) -> (N, 128). */
    public Tensor features(Tensor x) {
        x = torch.max_pool2d(torch.relu(conv1.forward(x)), 2, 2);
        x = torch.max_pool2d(torch.relu(conv2.forward(x)), 2, 2);
        return torch.relu(fc1.forward(x.flatten(1, -1)));
    }

    /** Class logits from {@link #features}. */
    public Tensor classify(Tensor features) {
        return fc2.forward(features);
    }

    /** Class logits, (N, 1, 28, 28) -> (N, classes). */
    @Override
    public Tensor forward(Tensor x) {
        return fc2.forward(features(x));
    }
}
