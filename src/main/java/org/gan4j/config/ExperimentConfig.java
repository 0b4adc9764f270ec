package org.gan4j.config;

import org.gan4j.config.Choices.Architecture;
import org.gan4j.config.Choices.Conditioning;
import org.gan4j.config.Choices.Dataset;
import org.gan4j.config.Choices.DeviceKind;
import org.gan4j.config.Choices.Loss;
import org.gan4j.config.Choices.OptimizerKind;
import org.gan4j.config.Choices.Penalty;
import org.gan4j.config.Choices.Precision;

/**
 * A complete, validated experiment: what {@code config.yaml} in a run directory holds.
 * Defaults live in {@code defaults.yaml} beside this class; {@link ConfigLoader} merges a user's
 * file over them, so every field here is set.
 */
public record ExperimentConfig(String name, long seed, DeviceKind device, Data data, Model model,
                               Objective objective, Train train, Log log, Eval eval) {
    /** The most labels {@code data.cluster_channels} may make: each is an embedding row in G and D. */
    public static final int MAX_CLUSTER_LABELS = 10_000;

    /**
     * Where the images come from; {@code path} null means the standard search order.
     * {@code stackedSamples}: Stacked MNIST images drawn (three random digits each).
     * {@code clusters}: K of 2 or more replaces the labels by K k-means clusters of the images (0: off);
     * {@code clusterChannels}: each colour channel clustered apart, a label the tuple of its
     * channels' clusters (K to the power of the channels).
     */
    public record Data(Dataset dataset, String path, int limit, int toySamples, int prefetch, int stackedSamples,
                       int clusters, boolean clusterChannels) {
        /** The labels a conditional model sees: the clusters where set, else the dataset's classes. */
        public int classes() {
            return clusters == 0 ? dataset.classes() : clusterChannels ? tuples(clusters, dataset.channels()) : clusters;
        }

        /** k to the power c: the labels of c channels of k clusters each. */
        public static int tuples(int k, int c) {
            long n = 1;
            for (int i = 0; i < c; i++) {
                n *= k;
                if (n > MAX_CLUSTER_LABELS) {
                    return MAX_CLUSTER_LABELS + 1;
                }
            }
            return (int) n;
        }
    }

    /**
     * Generator and discriminator; {@code width} scales the hidden sizes of the MLP families.
     * The last three shape D only: spectral normalisation of its weights, a minibatch
     * standard-deviation feature before its last layer, and packing (D judges {@code packing}
     * samples at once; 1: off). {@code conditioning} makes both networks class-conditional.
     * {@code gBnBias}: biases on G's layers that batch norm follows (DCGAN), which it cancels.
     */
    public record Model(Architecture architecture, int zDim, int width, int depth, double dropout,
                        boolean spectralNorm, boolean minibatchStd, int packing, Conditioning conditioning,
                        int latentComponents, boolean gBnBias) {
    }

    /**
     * The game and D's regularisers; {@code weightClip} 0 leaves D's weights unclipped.
     * {@code info}: weight of InfoGAN's mutual-information term over the latent components (0: off).
     */
    public record Objective(Loss loss, double labelSmoothing, Penalty penalty, double penaltyWeight,
                            double weightClip, double modeSeeking, double info) {
    }

    /** One network's optimizer. Adam's defaults follow Radford et al. 2015 (lr 2e-4, beta1 0.5). */
    public record Optimizer(OptimizerKind name, double lr, double beta1, double beta2,
                            double momentum, double alpha, double eps) {
    }

    /**
     * The loop; {@code emaDecay} 0 trains without an EMA copy of G. {@code lrDecayStart} in
     * [0, 1]: from that fraction of the steps on, both learning rates fall linearly to 0 at the
     * last step (1: constant rates). {@code precision} bf16 runs forward passes under autocast;
     * {@code channelsLast} lays convolution weights (and so activations) out as NHWC (a fast path).
     * {@code fastPaths} false runs plain libtorch ops and the plain step (the same maths).
     * {@code gBnFreeze} in [0, 1]: from that fraction of the steps on, G's batch norm uses its
     * running statistics instead of the batch's (1: never).
     */
    public record Train(int steps, int batchSize, int nCritic, Optimizer optimizerG,
                        Optimizer optimizerD, int threads, double emaDecay, int emaStart, double lrDecayStart,
                        Precision precision, boolean channelsLast, double gBnFreeze, boolean fastPaths, Guard guard) {
    }

    /**
     * The divergence guard (see org.gan4j.train.DivergenceGuard): each metrics row is checked
     * for non-finite values, a gradient norm above {@code maxGradNorm} (0: off) and D pinned at
     * 1/0 for {@code pinnedLogs} rows (0: off); a diverged run goes back to its last healthy row
     * with both learning rates times {@code lrFactor}, at most {@code maxRollbacks} times.
     */
    public record Guard(boolean enabled, double lrFactor, int maxRollbacks, int pinnedLogs, double maxGradNorm) {
    }

    /** Intervals in steps; 0 switches an event off. */
    public record Log(int every, int sampleEvery, int checkpointEvery, int samples, int keepCheckpoints) {
    }

    /**
     * Scoring during training: every {@code every} steps (0: off), {@code samples} generated
     * images against the training images on {@code classifier}'s features.
     */
    public record Eval(int every, int samples, String classifier) {
    }

    void validate() {
        positive("seed", seed, true);
        positive("data.limit", data.limit, true);
        positive("data.toy_samples", data.toySamples, false);
        positive("data.prefetch", data.prefetch, false);
        positive("data.stacked_samples", data.stackedSamples, false);
        positive("data.clusters", data.clusters, true);
        if (data.clusterChannels && data.clusters == 0) {
            throw new ConfigException("data.cluster_channels: needs data.clusters (K >= 2 per channel)");
        }
        if (data.clusterChannels && data.dataset.channels() == 0) {
            throw new ConfigException("data.cluster_channels: " + Choices.spell(data.dataset)
                    + " has points, not images with channels");
        }
        if (data.clusterChannels && data.classes() > MAX_CLUSTER_LABELS) {
            throw new ConfigException("data.cluster_channels: " + data.clusters + " clusters on each of "
                    + data.dataset.channels() + " channels make over " + MAX_CLUSTER_LABELS + " labels; use fewer clusters");
        }
        if (data.clusters == 1) {
            throw new ConfigException("data.clusters: needs at least 2 clusters (0: off), got 1");
        }
        if (data.clusters > 1 && model.conditioning == Conditioning.NONE) {
            throw new ConfigException("data.clusters: " + data.clusters
                    + " gives labels for a conditional model; set model.conditioning (projection or acgan)");
        }
        positive("model.z_dim", model.zDim, false);
        positive("model.width", model.width, false);
        positive("model.depth", model.depth, false);
        if (model.dropout < 0 || model.dropout >= 1) {
            throw new ConfigException("model.dropout: must be in [0, 1), got " + model.dropout);
        }
        positive("model.packing", model.packing, false);
        positive("model.latent_components", model.latentComponents, true);
        if (model.latentComponents == 1 || (model.latentComponents > 1 && model.zDim < 2)) {
            throw new ConfigException("model.latent_components: " + model.latentComponents
                    + " needs at least 2 components and model.z_dim >= 2 (z_dim is " + model.zDim + ")");
        }
        if (model.latentComponents > 1 && model.conditioning != Conditioning.NONE) {
            throw new ConfigException("model.latent_components: " + model.latentComponents
                    + " applies to unconditional generators; model.conditioning is '" + model.conditioning + "'");
        }
        if (train.batchSize % model.packing != 0) {
            throw new ConfigException("model.packing: " + model.packing + " must divide train.batch_size "
                    + train.batchSize);
        }
        if (model.conditioning != Conditioning.NONE) {
            if (data.classes() == 0) {
                throw new ConfigException("model.conditioning: '" + model.conditioning + "' needs class labels, and data.dataset '"
                        + data.dataset + "' has none");
            }
            if (model.packing > 1) {
                throw new ConfigException("model.conditioning: '" + model.conditioning
                        + "' cannot be combined with model.packing " + model.packing);
            }
        }
        if (!(objective.modeSeeking >= 0)) {
            throw new ConfigException("objective.mode_seeking: must be >= 0 (0: off), got " + objective.modeSeeking);
        }
        if (objective.modeSeeking > 0 && train.batchSize % 2 != 0) {
            throw new ConfigException("objective.mode_seeking: pairs the samples of a batch, so train.batch_size must be even, got "
                    + train.batchSize);
        }
        if (!(objective.info >= 0) || Double.isInfinite(objective.info)) {
            throw new ConfigException("objective.info: must be >= 0 (0: off), got " + objective.info);
        }
        if (objective.info > 0 && model.latentComponents < 2) {
            throw new ConfigException("objective.info: " + objective.info
                    + " needs latent components for Q to tell apart; set model.latent_components >= 2");
        }
        if (objective.info > 0 && model.packing > 1) {
            throw new ConfigException("objective.info: " + objective.info + " cannot be combined with model.packing "
                    + model.packing + " (Q judges one sample at a time)");
        }
        if (!(objective.labelSmoothing >= 0 && objective.labelSmoothing < 1)) {
            throw new ConfigException("objective.label_smoothing: must be in [0, 1), got " + objective.labelSmoothing);
        }
        if (!(objective.penaltyWeight >= 0) || Double.isInfinite(objective.penaltyWeight)) {
            throw new ConfigException("objective.penalty_weight: must be >= 0, got " + objective.penaltyWeight);
        }
        if (!(objective.weightClip >= 0) || Double.isInfinite(objective.weightClip)) {
            throw new ConfigException("objective.weight_clip: must be >= 0 (0: off), got " + objective.weightClip);
        }
        positive("train.steps", train.steps, false);
        positive("train.batch_size", train.batchSize, false);
        positive("train.n_critic", train.nCritic, false);
        positive("train.threads", train.threads, true);
        positive("train.ema_start", train.emaStart, true);
        if (!(train.gBnFreeze >= 0 && train.gBnFreeze <= 1)) {
            throw new ConfigException("train.g_bn_freeze: must be in [0, 1] (1: never), got " + train.gBnFreeze);
        }
        if (!(train.lrDecayStart >= 0 && train.lrDecayStart <= 1)) {
            throw new ConfigException("train.lr_decay_start: must be in [0, 1] (1: constant), got " + train.lrDecayStart);
        }
        if (train.emaDecay < 0 || train.emaDecay >= 1) {
            throw new ConfigException("train.ema_decay: must be in [0, 1) (0: off), got " + train.emaDecay);
        }
        optimizer("train.optimizer_g", train.optimizerG);
        optimizer("train.optimizer_d", train.optimizerD);
        positive("log.every", log.every, true);
        positive("log.sample_every", log.sampleEvery, true);
        positive("log.checkpoint_every", log.checkpointEvery, true);
        positive("log.samples", log.samples, false);
        positive("log.keep_checkpoints", log.keepCheckpoints, false);
        if (!(train.guard.lrFactor() > 0 && train.guard.lrFactor() < 1)) {
            // 1 would replay the diverged steps bitwise, to the same divergence
            throw new ConfigException("train.guard.lr_factor: must be in (0, 1), got " + train.guard.lrFactor());
        }
        positive("train.guard.max_rollbacks", train.guard.maxRollbacks(), true);
        positive("train.guard.pinned_logs", train.guard.pinnedLogs(), true);
        if (!(train.guard.maxGradNorm() >= 0) || Double.isInfinite(train.guard.maxGradNorm())) {
            throw new ConfigException("train.guard.max_grad_norm: must be >= 0 (0: off), got " + train.guard.maxGradNorm());
        }
        positive("eval.every", eval.every, true);
        if (eval.every > 0) {
            if (eval.samples < 2) {
                throw new ConfigException("eval.samples: must be >= 2, got " + eval.samples);
            }
            if (eval.classifier == null || eval.classifier.isBlank()) {
                throw new ConfigException("eval.classifier: needed when eval.every > 0 (train one with 'gan4j classifier train')");
            }
            if (data.dataset.isToy()) {
                throw new ConfigException("eval.every: scores images; 2-D toys are scored by their mode coverage");
            }
        }
        if (!model.architecture.accepts(data.dataset)) {
            java.util.List<String> fit = new java.util.ArrayList<>();
            for (Architecture a : Architecture.values()) {
                if (a.accepts(data.dataset)) {
                    fit.add(a.toString());
                }
            }
            throw new ConfigException("model.architecture: '" + model.architecture + "' cannot take data.dataset '"
                    + data.dataset + "' (use " + String.join(" or ", fit) + ")");
        }
    }

    private static void optimizer(String field, Optimizer o) {
        if (!(o.lr > 0) || Double.isInfinite(o.lr)) {
            throw new ConfigException(field + ".lr: must be > 0, got " + o.lr);
        }
        if (o.beta1 < 0 || o.beta1 >= 1) {
            throw new ConfigException(field + ".beta1: must be in [0, 1), got " + o.beta1);
        }
        if (o.beta2 < 0 || o.beta2 >= 1) {
            throw new ConfigException(field + ".beta2: must be in [0, 1), got " + o.beta2);
        }
        if (o.momentum < 0) {
            throw new ConfigException(field + ".momentum: must be >= 0, got " + o.momentum);
        }
        if (!(o.eps > 0)) {
            throw new ConfigException(field + ".eps: must be > 0, got " + o.eps);
        }
    }

    private static void positive(String field, long value, boolean zeroAllowed) {
        if (value < 0 || (!zeroAllowed && value == 0)) {
            throw new ConfigException(field + ": must be " + (zeroAllowed ? ">= 0" : "> 0")
                    + ", got " + value);
        }
    }
}
