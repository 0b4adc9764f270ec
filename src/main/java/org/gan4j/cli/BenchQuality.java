package org.gan4j.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.gan4j.config.UserError;
import org.gan4j.eval.Classifier;
import org.gan4j.eval.DigitQuality;
import org.gan4j.train.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quality", description = "Share of generated images a classifier reads with confidence, and their classes.")
final class BenchQuality implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE")
    Path checkpoint;

    @Option(names = "--classifier", required = true, paramLabel = "FILE")
    Path classifier;

    @Option(names = "--n", defaultValue = "1000")
    int n;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--threshold", defaultValue = "0.9")
    double threshold;

    @Option(names = "--raw", description = "Use G itself even where the checkpoint holds an EMA copy.")
    boolean raw;

    @Option(names = "--class", paramLabel = "K",
            description = "Sample class K only and report how often the classifier agrees (class-conditional G).")
    Integer label;

    @Override
    public Integer call() {
        if (n <= 0) {
            throw new UserError("--n: must be > 0, got " + n);
        }
        Classifier c = Classifier.load(classifier);
        float[] images;
        if (label != null) {
            int[] labels = new int[n];
            Arrays.fill(labels, label);
            images = Sampler.draw(Sampler.load(checkpoint, raw), labels, seed);
        } else {
            images = Sampler.draw(Sampler.load(checkpoint, raw), n, seed);
        }
        float[] probs = c.probabilities(images, n);
        DigitQuality q = DigitQuality.of(probs, n, c.classes(), threshold);
        if (label != null) {
            int agree = 0;
            for (int top : Classifier.argmax(probs, n, c.classes())) {
                agree += top == label ? 1 : 0;
            }
            System.out.printf("class %d: the classifier's top class is %d for %.1f%% of %d samples"
                    + " (%.1f%% with p >= %.2f)%n", label, label, 100.0 * agree / n, n,
                    100.0 * q.histogram()[label] / n, threshold);
        }
        System.out.printf("samples %d  confident(p>=%.2f) %.1f%%  classes %d/%d  KL(hist||uniform) %.4f%n",
                n, threshold, 100 * q.confidentShare(), q.classesCovered(), c.classes(), q.klToUniform());
        System.out.println("histogram " + Arrays.toString(q.histogram()));
        return 0;
    }
}
