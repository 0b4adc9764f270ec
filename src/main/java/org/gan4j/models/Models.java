package org.gan4j.models;

import org.gan4j.config.Choices.Conditioning;
import org.gan4j.config.ExperimentConfig;

/** Builds the generator and discriminator an experiment names. */
public final class Models {
    private Models() {
    }

    /** A generator with the discriminator trained against it. */
    public record Pair(Generator g, Discriminator d) {
    }

    public static Pair build(ExperimentConfig.Model m) {
        return new Pair(generator(m), discriminator(m));
    }

    /** The pair for a whole experiment: class-conditional over its dataset's classes when asked. */
    public static Pair build(ExperimentConfig c) {
        return new Pair(generator(c), discriminator(c));
    }

    public static Generator generator(ExperimentConfig c) {
        ExperimentConfig.Model m = c.model();
        if (m.conditioning() == Conditioning.NONE) {
            return generator(m);
        }
        int k = c.data().dataset().classes();
        Generator inner = generator(withZ(m, m.zDim() + ConditionalGenerator.EMBED));
        return new ConditionalGenerator(m.zDim(), k, inner);
    }

    public static Discriminator discriminator(ExperimentConfig c) {
        ExperimentConfig.Model m = c.model();
        if (m.conditioning() == Conditioning.NONE) {
            return discriminator(m);
        }
        return new ConditionalDiscriminator(discriminator(m), c.data().dataset().classes(), m.conditioning(),
                m.spectralNorm());
    }

    private static ExperimentConfig.Model withZ(ExperimentConfig.Model m, int z) {
        return new ExperimentConfig.Model(m.architecture(), z, m.width(), m.depth(), m.dropout(), m.spectralNorm(),
                m.minibatchStd(), m.packing(), m.conditioning());
    }

    /** The shape of one sample the architecture makes and judges. */
    public static long[] sampleShape(ExperimentConfig.Model m) {
        return m.architecture().sampleShape();
    }

    public static Generator generator(ExperimentConfig.Model m) {
        return switch (m.architecture()) {
            case MLP -> new MlpGenerator(m.zDim(), m.width(), true, 1, 28, 28);
            case DCGAN28 -> new DcganGenerator28(m.zDim());
            case DCGAN32 -> new DcganGenerator32(m.zDim());
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

    public static Discriminator discriminator(ExperimentConfig.Model m) {
        DOptions o = DOptions.of(m);
        int p = m.packing();
        Discriminator d = switch (m.architecture()) {
            case MLP -> new MlpDiscriminator(28 * 28 * p, m.width(), o);
            case DCGAN28 -> new DcganDiscriminator28(m.dropout(), p, o);
            case DCGAN32 -> new DcganDiscriminator32(3L * p, o);
            case RESNET32 -> new ResnetDiscriminator32(3L * p, m.width(), o);
            case TOY_MLP -> new MlpDiscriminator(2L * p, m.width(), o);
        };
        return p > 1 ? new Packed(d, p) : d;
    }
}
