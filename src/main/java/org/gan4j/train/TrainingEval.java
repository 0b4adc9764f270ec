package org.gan4j.train;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.data.Dataset;
import org.gan4j.eval.Classifier;
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
        if (data.classes() > 0) {
            for (int i = 0; i < n; i++) {
                classShare[data.label(i)] += 1.0 / n;
            }
        } else {
            Arrays.fill(classShare, 1.0 / classShare.length);
        }
    }

    /** Every metric of {@code g}'s samples (g must already be in eval mode). */
    Map<String, Double> score(Generator g) {
        float[] fake = Sampler.draw(g, samples, seed);
        return Evaluation.of(reference, Evaluation.Scored.of(classifier, fake, samples), classShare, seed);
    }
}
