package org.gan4j.models;

import org.gan4j.config.Choices.Conditioning;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.nn.Natives;

/** Builds the generator and discriminator an experiment names. */
public final class Models {
    private Models() {
    }

    static {
        Natives.load(); // before this class's first libtorch call: see Natives
    }

    /** A generator with the discriminator trained against it. */
    public record Pair(Generator g, Discriminator d) {
    }

    /** The pair for grey 28x28 or colour 32x32 images (the architecture's usual data). */
    public static Pair build(ExperimentConfig.Model m) {
        return new Pair(generator(m), discriminator(m));
    }

    /** The pair for a whole experiment: class-conditional over its dataset's classes when asked. */
    public static Pair build(ExperimentConfig c) {
        return new Pair(generator(c), discriminator(c));
    }

    public static Generator generator(ExperimentConfig c) {
        ExperimentConfig.Model m = c.model();
        int ch = c.data().dataset().channels();
        if (m.conditioning() == Conditioning.NONE) {
            return generator(m, ch);
        }
        int k = c.data().classes();
        Generator inner = generator(withZ(m, m.zDim() + ConditionalGenerator.EMBED), ch);
        Generator g = new ConditionalGenerator(m.zDim(), k, inner);
        return c.data().clusters() > 0 ? new ClusterPrior(g) : g;
    }

    public static Discriminator discriminator(ExperimentConfig c) {
        ExperimentConfig.Model m = c.model();
        int ch = c.data().dataset().channels();
        if (c.objective().info() > 0) {
            return new InfoDiscriminator(discriminator(m, ch), m.latentComponents(), m.spectralNorm());
        }
        if (m.conditioning() == Conditioning.NONE) {
            return discriminator(m, ch);
        }
        return new ConditionalDiscriminator(discriminator(m, ch), c.data().classes(), m.conditioning(),
                m.spectralNorm());
    }

    /** The plain architecture taking z of width {@code z}: the inner network of a wrapper around G. */
    private static ExperimentConfig.Model withZ(ExperimentConfig.Model m, int z) {
        return new ExperimentConfig.Model(m.architecture(), z, m.width(), m.depth(), m.dropout(), m.spectralNorm(),
                m.minibatchStd(), m.packing(), m.conditioning(), 0, m.gBnBias());
    }

    /** The shape of one sample the experiment's model makes and judges. */
    public static long[] sampleShape(ExperimentConfig c) {
        return c.model().architecture().sampleShape(c.data().dataset());
    }

    /** The architecture's usual channels: 1 at 28x28, 3 at 32x32. */
    private static int usualChannels(ExperimentConfig.Model m) {
        return switch (m.architecture()) {
            case DCGAN32, RESNET32 -> 3;
            default -> 1;
        };
    }

    public static Generator generator(ExperimentConfig.Model m) {
        return generator(m, usualChannels(m));
    }

    public static Discriminator discriminator(ExperimentConfig.Model m) {
        return discriminator(m, usualChannels(m));
    }

    private static Generator generator(ExperimentConfig.Model m, int ch) {
        int k = m.latentComponents();
        if (k > 1) {
            return new CategoricalLatent(m.zDim(), k, generator(withZ(m, m.zDim() - 1 + k), ch));
        }
        return switch (m.architecture()) {
            case MLP -> new MlpGenerator(m.zDim(), m.width(), true, ch, 28, 28);
            case DCGAN28 -> new DcganGenerator28(m.zDim(), ch, m.gBnBias());
            case DCGAN32 -> new DcganGenerator32(m.zDim(), m.gBnBias());
            case RESNET32 -> new ResnetGenerator32(m.zDim(), m.width());
            case TOY_MLP -> toyGenerator(m);
        };
    }

    /**
     * z -> depth x (width, BN, ReLU) -> 2, as PacGAN's toy generator. ReLU's flat regions let G
     * map whole regions of z onto a mode (ring8, 2 seeds, 3,000 steps: 85.9% high-quality
     * samples with ReLU against 74.9% with LeakyReLU(0.2), whose slope never vanishes); batch
     * norm keeps its units alive (without it 6 of 10 seeds ended with every unit dead and all
     * samples on one point).
     */
    private static Generator toyGenerator(ExperimentConfig.Model m) {
        long[] hidden = new long[m.depth()];
        java.util.Arrays.fill(hidden, m.width());
        return new MlpGenerator(m.zDim(), hidden, org.gan4j.nn.Layers::relu, true, false, 2);
    }

    private static Discriminator discriminator(ExperimentConfig.Model m, int ch) {
        DOptions o = DOptions.of(m);
        int p = m.packing();
        Discriminator d = switch (m.architecture()) {
            case MLP -> new MlpDiscriminator(28L * 28 * ch * p, m.width(), o);
            case DCGAN28 -> new DcganDiscriminator28(m.dropout(), (long) ch * p, o);
            case DCGAN32 -> new DcganDiscriminator32(3L * p, o);
            case RESNET32 -> new ResnetDiscriminator32(3L * p, m.width(), o);
            case TOY_MLP -> new MlpDiscriminator(2L * p, m.width(), o);
        };
        return p > 1 ? new Packed(d, p) : d;
    }
}
