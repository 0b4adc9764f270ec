package org.gan4j.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Tensors;

/**
 * Every sample-quality metric of one set of images against real reference images, on the
 * scoring classifier's features (FID, KID, precision/recall, density/coverage) and class
 * probabilities (classifier score, class histogram).
 */
public final class Evaluation {
    private Evaluation() {
    }

    /** Features (n x 128) and class probabilities (n x classes) of a set of images. */
    public record Scored(float[] features, float[] probabilities, int n) {
        /** Width of each feature row. */
        public int width() {
            return features.length / n;
        }

        public static Scored of(Classifier c, float[] images, int n) {
            float[][] fp = c.featuresAndProbabilities(images, n);
            return new Scored(fp[0], fp[1], n);
        }
    }

    /** Neighbours kept for the reference: precision/recall use k = 3, density/coverage k = 5. */
    private static final int K_PR = 3;
    private static final int K_DC = 5;

    /** The reference set's features prepared once for any number of {@link #of} calls. */
    public static Metrics.Reference reference(Scored reference) {
        return reference(reference, null);
    }

    /** As {@link #reference(Scored)}, with neighbour radii (n x {@value #K_DC}) known from before, or null. */
    public static Metrics.Reference reference(Scored reference, double[] radii) {
        // no scope: the reference's tensors live as long as it does
        return new Metrics.Reference(Tensors.fromFloats(reference.features(), reference.n(), reference.width()),
                radii == null ? null : Tensors.fromDoubles(radii, reference.n(), K_DC), K_DC);
    }

    /** Neighbour radii kept per reference sample. */
    public static final int RADII = K_DC;

    /** Metrics of {@code sample} against {@code reference} (see {@link #of(Metrics.Reference, Scored, double[], long)}). */
    public static Map<String, Double> of(Scored reference, Scored sample, double[] classShare, long seed) {
        return of(reference(reference), sample, classShare, seed);
    }

    /**
     * Metrics of {@code sample} against a prepared reference; {@code classShare} is the data's
     * class distribution, the target of the class-histogram KL.
     */
    public static Map<String, Double> of(Metrics.Reference ref, Scored sample, double[] classShare, long seed) {
        Map<String, Double> m = new LinkedHashMap<>();
        try (PointerScope scope = new PointerScope()) {
            Tensor s = Tensors.fromFloats(sample.features(), sample.n(), sample.width());
            m.put("fid", Metrics.fid(ref, s));
            Metrics.MeanStd kid = Metrics.kid(ref, s, 100, 1000, seed);
            m.put("kid", kid.mean());
            m.put("kid_std", kid.std());
            int classes = classShare.length;
            if (classes > 0) {
                Metrics.MeanStd score = Metrics.classifierScore(
                        Tensors.fromFloats(sample.probabilities(), sample.n(), classes), 10);
                m.put("classifier_score", score.mean());
                m.put("classifier_score_std", score.std());
            }
            Metrics.Manifold mf = Metrics.manifold(ref, s, K_PR, K_DC);
            m.put("precision", mf.precision());
            m.put("recall", mf.recall());
            m.put("density", mf.density());
            m.put("coverage", mf.coverage());
        }
        if (classShare.length == 0) {
            return m; // an extractor without class logits: no class metrics
        }
        int[] hist = new int[classShare.length];
        for (int k : Classifier.argmax(sample.probabilities(), sample.n(), hist.length)) {
            hist[k]++;
        }
        m.put("classes_covered", (double) Histograms.covered(hist));
        m.put("class_kl", Histograms.kl(hist, classShare));
        return m;
    }

}
