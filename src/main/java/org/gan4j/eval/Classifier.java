package org.gan4j.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.data.BatchLoader;
import org.gan4j.data.DataException;
import org.gan4j.data.Dataset;
import org.gan4j.nn.Optimizers;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Tensors;

/** Trains, saves, loads and applies the {@link LeNet} scoring classifier. */
public final class Classifier {
    private final LeNet net;
    private final int classes;

    private Classifier(LeNet net, int classes) {
        this.net = net;
        this.classes = classes;
    }

    public LeNet net() {
        return net;
    }

    /** Held-out accuracy and the trained classifier. */
    public record Trained(Classifier classifier, double heldOutAccuracy, int trainSize, int heldOutSize) {
    }

    /**
     * Trains on all but the last {@code heldOut} samples with Adam (lr 1e-3) and reports the
     * accuracy on the held-out rest.
     */
    public static Trained train(Dataset data, int heldOut, int epochs, long seed, Consumer<String> log) {
        if (data.labels() == null) {
            throw new DataException(data.name() + ": has no labels to train a classifier on");
        }
        int n = data.size();
        int nTrain = n - heldOut;
        Dataset train = slice(data, 0, nTrain);
        Dataset test = slice(data, nTrain, n);
        Seeds.seedTorch(seed);
        Classifier c = new Classifier(new LeNet(data.classes()), data.classes());
        Optimizer opt = new org.bytedeco.pytorch.Adam(c.net.parameters(), Optimizers.adamOptions(1e-3, 0.9, 0.999, 1e-8));
        int batch = 128;
        try (BatchLoader loader = new BatchLoader(train, batch, seed, 0, 4)) {
            long steps = (long) epochs * loader.batchesPerEpoch();
            for (long s = 0; s < steps; s++) {
                try (PointerScope scope = new PointerScope()) {
                    BatchLoader.Batch b = loader.next();
                    Tensor x = Tensors.fromFloats(b.values(), batch, 1, 28, 28);
                    Tensor logits = c.net.forward(x);
                    Tensor loss = crossEntropy(logits, b.labels(), c.classes);
                    opt.zero_grad();
                    loss.backward();
                    opt.step();
                    if ((s + 1) % loader.batchesPerEpoch() == 0) {
                        log.accept(String.format("epoch %d/%d  loss %.4f", (s + 1) / loader.batchesPerEpoch(),
                                epochs, loss.item_double()));
                    }
                }
            }
        }
        c.net.eval();
        int[] pred = c.predict(test.values(), test.size());
        int right = 0;
        for (int i = 0; i < pred.length; i++) {
            right += pred[i] == test.labels()[i] ? 1 : 0;
        }
        return new Trained(c, right / (double) pred.length, nTrain, heldOut);
    }

    /** Class probabilities for n images in [-1, 1], row-major (n x classes). */
    public float[] probabilities(float[] images, int n) {
        return map(images, n, classes, x -> net.forward(x).softmax(1));
    }

    /** Penultimate-layer features for n images in [-1, 1], row-major (n x featureSize). */
    public float[] features(float[] images, int n) {
        return map(images, n, FEATURES, net::features);
    }

    /** Features and class probabilities, the convolutions run once (probabilities come from the features). */
    public float[][] featuresAndProbabilities(float[] images, int n) {
        float[] feats = features(images, n);
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor f = Tensors.fromFloats(feats, n, FEATURES);
            return new float[][] {feats, Tensors.toFloats(net.classify(f).softmax(1))};
        }
    }

    /** Width of {@link #features}. */
    public static final int FEATURES = 128;

    /** Applies {@code f} to the images in chunks of 500, without gradients. */
    private static float[] map(float[] images, int n, int width, java.util.function.UnaryOperator<Tensor> f) {
        float[] out = new float[n * width];
        int chunk = 500;
        try (NoGradGuard ng = new NoGradGuard()) {
            for (int i = 0; i < n; i += chunk) {
                int m = Math.min(chunk, n - i);
                try (PointerScope scope = new PointerScope()) {
                    float[] part = new float[m * 784];
                    System.arraycopy(images, i * 784, part, 0, part.length);
                    float[] p = Tensors.toFloats(f.apply(Tensors.fromFloats(part, m, 1, 28, 28)));
                    System.arraycopy(p, 0, out, i * width, p.length);
                }
            }
        }
        return out;
    }

    public int[] predict(float[] images, int n) {
        return argmax(probabilities(images, n), n, classes);
    }

    /** The most probable class of each row of a row-major (n x classes) matrix. */
    public static int[] argmax(float[] p, int n, int classes) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (p[i * classes + k] > p[i * classes + best]) {
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }

    public int classes() {
        return classes;
    }

    public void save(Path file) {
        OutputArchive a = new OutputArchive();
        net.save(a);
        a.write("classes", torch.full(new long[] {1}, new org.bytedeco.pytorch.Scalar(classes)));
        try {
            org.gan4j.nn.Archives.saveAtomically(a, file);
        } catch (java.io.IOException e) {
            throw new DataException(file + ": cannot write classifier (" + e.getMessage() + ")");
        }
    }

    public static Classifier load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such classifier file (train one with 'gan4j classifier train')");
        }
        InputArchive a = new InputArchive();
        try {
            a.load_from(file.toString());
        } catch (RuntimeException e) {
            throw new DataException(file + ": not a gan4j classifier");
        }
        Tensor k = new Tensor();
        if (!a.try_read("classes", k)) {
            throw new DataException(file + ": not a gan4j classifier (no class count)");
        }
        int classes = (int) k.item_double();
        LeNet net = new LeNet(classes);
        net.load(a);
        net.eval();
        return new Classifier(net, classes);
    }

    static Tensor crossEntropy(Tensor logits, int[] labels, int classes) {
        float[] onehot = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            onehot[i * classes + labels[i]] = 1f;
        }
        Tensor y = Tensors.fromFloats(onehot, labels.length, classes);
        return torch.log_softmax(logits, 1).mul(y).sum().div(new org.bytedeco.pytorch.Scalar(-labels.length));
    }

    static Dataset slice(Dataset d, int from, int to) {
        int s = d.sampleSize();
        float[] v = java.util.Arrays.copyOfRange(d.values(), from * s, to * s);
        int[] l = java.util.Arrays.copyOfRange(d.labels(), from, to);
        return new Dataset(d.name(), v, d.sampleShape(), l, d.classes());
    }
}
