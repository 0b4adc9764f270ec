package org.gan4j.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gan4j.config.Choices.Dataset;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.data.BatchLoader;
import org.gan4j.data.ToyMixtures;
import org.gan4j.eval.ModeCoverage;
import org.gan4j.viz.Plots;

/** One run of the 2-D mode-collapse benchmark: train a toy GAN, score 2,500 samples. */
public final class ModesRun {
    private ModesRun() {
    }

    /** The benchmark's variants as config overrides on {@link #base}; the order is the table's. */
    public static final Map<String, List<String>> VARIANTS = variants();

    private static Map<String, List<String>> variants() {
        Map<String, List<String>> v = new LinkedHashMap<>();
        v.put("minimax", List.of("objective.loss=minimax"));
        v.put("non-saturating", List.of());
        v.put("least-squares", List.of("objective.loss=least-squares"));
        // Arjovsky et al.: clip 0.01, RMSprop 5e-5, 5 critic steps (800 G steps = 4,000 D steps)
        v.put("wgan-clip", List.of("objective.loss=wasserstein", "objective.weight_clip=0.01", "train.n_critic=5",
                "train.steps=800",
                "train.optimizer_g.name=rmsprop", "train.optimizer_g.lr=5e-5",
                "train.optimizer_d.name=rmsprop", "train.optimizer_d.lr=5e-5"));
        // Gulrajani et al.: lambda 10, 5 critic steps, Adam 1e-4 betas (0, 0.9)
        v.put("wgan-gp", List.of("objective.loss=wasserstein", "objective.penalty=gradient-penalty",
                "objective.penalty_weight=10", "train.n_critic=5", "train.steps=800",
                "train.optimizer_g.lr=1e-4", "train.optimizer_g.beta1=0", "train.optimizer_g.beta2=0.9",
                "train.optimizer_d.lr=1e-4", "train.optimizer_d.beta1=0", "train.optimizer_d.beta2=0.9"));
        v.put("hinge-sn", List.of("objective.loss=hinge", "model.spectral_norm=true"));
        v.put("pack2", List.of("model.packing=2"));
        v.put("pack4", List.of("model.packing=4"));
        v.put("minibatch-std", List.of("model.minibatch_std=true"));
        // R1 balances the modes (reverse KL 0.13 -> 0.001 on ring8); a deeper ReLU G and a longer
        // run sharpen them (high quality 86% at depth 3 / 3,000 steps -> 95% at depth 4 / 6,000);
        // G's batch norm on running statistics from 40% of the run on, with the learning rates
        // held until 75%, sharpens them further (10 seeds: grid25 74.3% -> 86.8%, ring8 94.2% ->
        // 96.8%). The rest was bridges between modes: a latent code of as many values as the
        // mixture has modes, kept apart by InfoGAN's Q (weight 0.2; at 1 a component could stay
        // stuck between two modes on 1 seed in 10), lets G jump instead (grid25 86.8% -> 100%)
        v.put("best", List.of("objective.penalty=r1", "objective.penalty_weight=0.1", "model.depth=4",
                "model.z_dim=3", "model.latent_components={modes}", "objective.info=0.2",
                "train.steps=9000", "train.g_bn_freeze=0.4", "train.lr_decay_start=0.75"));
        return v;
    }

    /** A variant's overrides for one dataset: "{modes}" stands for that mixture's number of modes. */
    public static List<String> overrides(String variant, String dataset) {
        int modes = ("ring8".equals(dataset) ? ToyMixtures.ringMeans() : ToyMixtures.gridMeans()).length;
        return VARIANTS.get(variant).stream().map(o -> o.replace("{modes}", Integer.toString(modes))).toList();
    }

    /**
     * The shared setting: toy MLP pair (G z 2 -> 3 x 128 ReLU -> 2), batch 256, Adam 1e-3
     * (beta1 0.5) decaying linearly to 0 over the second half, 2,000 steps, one thread.
     */
    public static List<String> base(String dataset) {
        return List.of("data.dataset=" + dataset, "model.architecture=toy-mlp", "model.z_dim=2",
                "model.width=128", "model.depth=3", "train.batch_size=256", "train.steps=2000", "train.threads=1",
                "train.optimizer_g.lr=1e-3", "train.optimizer_d.lr=1e-3", "train.lr_decay_start=0.5");
    }

    public record Result(ModeCoverage coverage, double seconds) {
        public Map<String, Object> toMap(String variant, int seed) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", variant);
            m.put("seed", seed);
            m.put("modes", coverage.modesCovered());
            m.put("hq", coverage.highQualityShare());
            m.put("kl", coverage.reverseKl());
            m.put("seconds", seconds);
            return m;
        }
    }

    /** Trains {@code config} to its step count and scores it; a scatter goes to {@code plots} if set. */
    public static Result run(ExperimentConfig config, Path plots, String title) throws java.io.IOException {
        long t0 = System.nanoTime();
        float[] xy;
        ModeCoverage c;
        boolean ring = config.data().dataset() == Dataset.RING8;
        try (Trainer t = Experiment.detached(config)) {
            while (t.step() < config.train().steps()) {
                t.stepOnce();
            }
            xy = ToySamples.draw(t.sampler(), ToySamples.POINTS, config.seed(), t.device());
            c = ToySamples.coverage(ring, xy);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (plots != null) {
            Files.createDirectories(plots);
            Plots.scatter(plots.resolve(title + ".png"), String.format(Locale.ROOT,
                    "%s (seed %d): %d/%d modes, %.1f%% high quality", title, config.seed(), c.modesCovered(),
                    c.modes(), 100 * c.highQualityShare()), xy,
                    ring ? ToyMixtures.ringMeans() : ToyMixtures.gridMeans(), ring ? 1.5 : 6);
        }
        return new Result(c, secs);
    }
}
