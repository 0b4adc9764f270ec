package org.gan4j.train;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.data.Dataset;
import org.gan4j.eval.Classifier;
import org.gan4j.eval.DigitQuality;
import org.gan4j.eval.Evaluation;
import org.gan4j.eval.Metrics;
import org.gan4j.models.Generator;
import org.gan4j.nn.Seeds;

/**
 * Scores the generator during training against up to 10,000 training images, on a classifier's
 * features; the reference is prepared once per run. Samples come from noise fixed by the run's
 * seed, so scores at different steps compare like with like.
 */
final class TrainingEval {
    private static final int REFERENCE = 10_000;
    /** The confident share's threshold: the foundation issue's p >= 0.9, bench quality's default. */
    private static final double CONFIDENT = 0.9;

    private final Classifier classifier;
    private final Metrics.Reference reference;
    private final double[] classShare;
    private final int samples;
    private final long seed;

    TrainingEval(ExperimentConfig config, Dataset data) {
        this.classifier = Classifier.load(Path.of(config.eval().classifier()))
                .forShape(data.sampleShape(), "eval.classifier " + config.eval().classifier());
        this.samples = config.eval().samples();
        this.seed = Seeds.mix(config.seed(), -3);
        int n = Math.min(REFERENCE, data.size());
        float[] ref = new float[n * data.sampleSize()];
        for (int i = 0; i < n; i++) {
            data.sample(i, ref, i * data.sampleSize());
        }
        this.reference = Evaluation.reference(Evaluation.Scored.of(classifier, ref, n));
        this.classShare = new double[classifier.classes()];
        // the classes the classifier reads are the dataset's own, not clusters the model was trained on
        Dataset labelled = data instanceof org.gan4j.data.ClusteredDataset cd ? cd.base() : data;
        if (labelled.classes() > 0) {
            for (int i = 0; i < n; i++) {
                classShare[labelled.label(i)] += 1.0 / n;
            }
        } else {
            Arrays.fill(classShare, 1.0 / classShare.length);
        }
    }

    /**
     * Every metric of {@code g}'s samples (g must already be in eval mode); with class logits also
     * the {@link DigitQuality} of the same samples' probabilities: {@code confident_share},
     * {@code confident_classes}, {@code confident_kl}.
     */
    Map<String, Double> score(Generator g) {
        float[] fake = Sampler.draw(g, samples, seed);
        Evaluation.Scored scored = Evaluation.Scored.of(classifier, fake, samples);
        Map<String, Double> m = new LinkedHashMap<>(Evaluation.of(reference, scored, classShare, seed));
        if (classifier.classes() > 0) {
            DigitQuality q = DigitQuality.of(scored.probabilities(), samples, classifier.classes(), CONFIDENT);
            m.put("confident_share", q.confidentShare());
            m.put("confident_classes", (double) q.classesCovered());
            m.put("confident_kl", q.klToUniform());
        }
        return m;
    }
}
