package org.gan4j.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.TupleElements;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.data.ArrayDataset;
import org.gan4j.data.BatchLoader;
import org.gan4j.data.DataException;
import org.gan4j.data.Dataset;
import org.gan4j.nn.Natives;
import org.gan4j.nn.Optimizers;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Tensors;

/**
 * The network whose features and class probabilities score generated images: gan4j's own
 * {@link LeNet} (trained, saved and loaded here), or a user's TorchScript module (for example
 * an Inception network converted by the user, for scores comparable with papers). A TorchScript
 * module receives images (N, C, H, W) in [-1, 1], as generators make them, and returns
 * features (N, F) or a tuple (features (N, F), class logits (N, K)).
 */
public final class Classifier {
    static {
        Natives.load(); // before this class's first libtorch call: see Natives
    }

    private final LeNet net;
    private final JitModule script;
    private final int classes;
    private final int featureSize;
    private final long[] inputShape;

    private Classifier(LeNet net, int classes) {
        this.net = net;
        this.script = null;
        this.classes = classes;
        this.featureSize = FEATURES;
        this.inputShape = new long[] {1, 28, 28};
    }

    private Classifier(JitModule script, long[] inputShape, int featureSize, int classes) {
        this.net = null;
        this.script = script;
        this.classes = classes;
        this.featureSize = featureSize;
        this.inputShape = inputShape.clone();
    }

    public LeNet net() {
        return net;
    }

    /** Width of the features. */
    public int featureSize() {
        return featureSize;
    }

    /** Whether this is a user's TorchScript module. */
    public boolean isScript() {
        return script != null;
    }

    /**
     * This classifier for images of {@code shape} (C, H, W): LeNet reads 1x28x28 only; a
     * TorchScript module is probed once with two blank images to learn its output widths.
     */
    public Classifier forShape(long[] shape, String what) {
        if (script == null) {
            if (!java.util.Arrays.equals(shape, inputShape)) {
                throw new DataException(what + ": the LeNet classifier reads 1x28x28 images, not "
                        + java.util.Arrays.toString(shape) + " (use a TorchScript extractor)");
            }
            return this;
        }
        long[] full = new long[shape.length + 1];
        full[0] = 2;
        System.arraycopy(shape, 0, full, 1, shape.length);
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor[] out = scriptOutputs(script, torch.zeros(full));
            return new Classifier(script, shape, (int) out[0].size(1), out[1] == null ? 0 : (int) out[1].size(1));
        } catch (RuntimeException e) {
            throw new DataException(what + ": TorchScript module fails on images of shape "
                    + java.util.Arrays.toString(shape) + " (" + firstLine(e.getMessage()) + ")");
        }
    }

    private static Tensor[] scriptOutputs(JitModule m, Tensor x) {
        IValue out = m.forward(new IValueVector(new IValue(x)));
        if (out.isTuple()) {
            TupleElements e = out.toTuple().elements();
            return new Tensor[] {e.get(0).toTensor().flatten(1, -1), e.size() > 1 ? e.get(1).toTensor() : null};
        }
        return new Tensor[] {out.toTensor().flatten(1, -1), null};
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.strip().lines().findFirst().orElse("");
    }

    /** Held-out accuracy and the trained classifier. */
    public record Trained(Classifier classifier, double heldOutAccuracy, int trainSize, int heldOutSize) {
    }

    /**
     * Trains on all but the last {@code heldOut} samples with Adam (lr 1e-3, cosine decay to 0)
     * on images shifted by up to {@value #SHIFT} pixels, and reports the accuracy on the
     * held-out rest.
     */
    public static Trained train(ArrayDataset data, int heldOut, int epochs, long seed, Consumer<String> log) {
        if (data.labels() == null) {
            throw new DataException(data.name() + ": has no labels to train a classifier on");
        }
        int n = data.size();
        int nTrain = n - heldOut;
        ArrayDataset train = slice(data, 0, nTrain);
        ArrayDataset test = slice(data, nTrain, n);
        Seeds.seedTorch(seed);
        Classifier c = new Classifier(new LeNet(data.classes()), data.classes());
        Optimizer opt = new org.bytedeco.pytorch.Adam(c.net.parameters(), Optimizers.adamOptions(1e-3, 0.9, 0.999, 1e-8));
        int batch = 128;
        try (BatchLoader loader = new BatchLoader(train, batch, seed, 0, 4)) {
            long steps = (long) epochs * loader.batchesPerEpoch();
            java.util.Random shifts = new java.util.Random(seed);
            float[] shifted = new float[batch * 28 * 28];
            for (long s = 0; s < steps; s++) {
                try (PointerScope scope = new PointerScope()) {
                    BatchLoader.Batch b = loader.next();
                    Optimizers.setLr(opt, 1e-3 * 0.5 * (1 + Math.cos(Math.PI * s / steps)));
                    shift(b.values(), shifted, batch, 28, shifts);
                    Tensor x = Tensors.fromFloats(shifted, batch, 1, 28, 28);
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

    /** Largest random shift of a training image, in pixels. */
    static final int SHIFT = 2;

    /**
     * Copies n square images from {@code in} to {@code out}, each moved by a random offset in
     * [-SHIFT, SHIFT]^2, uncovered pixels set to the background (-1): with 9,000 MNIST digits
     * this is what lifts held-out accuracy past 98%.
     */
    static void shift(float[] in, float[] out, int n, int side, java.util.Random r) {
        java.util.Arrays.fill(out, 0, n * side * side, -1f);
        for (int i = 0; i < n; i++) {
            int dx = r.nextInt(2 * SHIFT + 1) - SHIFT;
            int dy = r.nextInt(2 * SHIFT + 1) - SHIFT;
            int base = i * side * side;
            for (int y = Math.max(0, -dy); y < Math.min(side, side - dy); y++) {
                int x0 = Math.max(0, -dx);
                int len = Math.min(side, side - dx) - x0;
                System.arraycopy(in, base + y * side + x0, out, base + (y + dy) * side + x0 + dx, len);
            }
        }
    }

    /** Class probabilities for n images in [-1, 1], row-major (n x classes). */
    public float[] probabilities(float[] images, int n) {
        if (classes == 0) {
            throw new IllegalStateException("this extractor gives no class logits");
        }
        return map(images, n, classes, x -> script != null ? scriptOutputs(script, x)[1].softmax(1) : net.forward(x).softmax(1));
    }

    /** Penultimate-layer features for n images in [-1, 1], row-major (n x featureSize). */
    public float[] features(float[] images, int n) {
        return map(images, n, featureSize, x -> script != null ? scriptOutputs(script, x)[0] : net.features(x));
    }

    /**
     * Features and class probabilities (empty where the extractor gives no logits), the
     * network run once.
     */
    public float[][] featuresAndProbabilities(float[] images, int n) {
        if (script != null) {
            float[] both = map(images, n, featureSize + classes, x -> {
                Tensor[] o = scriptOutputs(script, x);
                return o[1] == null ? o[0] : torch.cat(new org.bytedeco.pytorch.TensorVector(o[0], o[1].softmax(1)), 1);
            });
            float[] f = new float[n * featureSize];
            float[] p = new float[n * classes];
            int w = featureSize + classes;
            for (int i = 0; i < n; i++) {
                System.arraycopy(both, i * w, f, i * featureSize, featureSize);
                System.arraycopy(both, i * w + featureSize, p, i * classes, classes);
            }
            return new float[][] {f, p};
        }
        float[] feats = features(images, n);
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor f = Tensors.fromFloats(feats, n, FEATURES);
            return new float[][] {feats, Tensors.toFloats(net.classify(f).softmax(1))};
        }
    }

    /** Width of LeNet's features. */
    public static final int FEATURES = 128;

    /**
     * Images per forward chunk: LeNet's first activations for 500 images (50 MB) were fresh
     * mappings faulted in page by page each chunk; 100 keeps them in reused heap pages.
     */
    static int chunk = Integer.getInteger("gan4j.eval.chunk", 100);

    /** Applies {@code f} to the images in chunks of {@link #chunk}, without gradients. */
    private float[] map(float[] images, int n, int width, java.util.function.UnaryOperator<Tensor> f) {
        float[] out = new float[n * width];
        int size = 1;
        for (long d : inputShape) {
            size *= (int) d;
        }
        long[] shape = new long[inputShape.length + 1];
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (int i = 0; i < n; i += chunk) {
                int m = Math.min(chunk, n - i);
                try (PointerScope scope = new PointerScope()) {
                    float[] part = new float[m * size];
                    System.arraycopy(images, i * size, part, 0, part.length);
                    shape[0] = m;
                    float[] p = Tensors.toFloats(f.apply(Tensors.fromFloats(part, shape)));
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
        org.gan4j.nn.Archives.saveAtomically(a, file);
    }

    public static Classifier load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such classifier file (train one with 'gan4j classifier train')");
        }
        InputArchive a = new InputArchive();
        try {
            a.load_from(file.toString());
        } catch (RuntimeException e) {
            throw new DataException(file + ": neither a gan4j classifier nor a TorchScript module");
        }
        Tensor k = new Tensor();
        if (!a.try_read("classes", k)) {
            // not gan4j's: a user's TorchScript extractor, probed by forShape
            try {
                JitModule m = torch.load(file.toString());
                m.eval();
                return new Classifier(m, new long[0], 0, 0);
            } catch (RuntimeException e) {
                throw new DataException(file + ": neither a gan4j classifier nor a TorchScript module ("
                        + firstLine(e.getMessage()) + ")");
            }
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

    static ArrayDataset slice(ArrayDataset d, int from, int to) {
        int s = d.sampleSize();
        float[] v = java.util.Arrays.copyOfRange(d.values(), from * s, to * s);
        int[] l = java.util.Arrays.copyOfRange(d.labels(), from, to);
        return new ArrayDataset(d.name(), v, d.sampleShape(), l, d.classes());
    }
}
