package example.custom;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.data.Dataset;
import org.gan4j.models.DOptions;
import org.gan4j.models.Generator;
import org.gan4j.models.MlpDiscriminator;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Optimizers;
import org.gan4j.nn.Sequential;
import org.gan4j.nn.Tensors;
import org.gan4j.objectives.GanLoss;
import org.gan4j.objectives.Objective;
import org.gan4j.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * A user's own GAN through the public API alone, from outside gan4j's packages: a loss that
 * couples real and fake logits (relativistic average GAN), a generator and a dataset of its own.
 */
class RelativisticGanTest {
    /**
     * RaSGAN (Jolicoeur-Martineau 2018, arXiv:1807.00734): D's logits taken relative to the
     * other side's mean, C~(x_r) = C(x_r) - E C(x_f) and C~(x_f) = C(x_f) - E C(x_r);
     * L_D = E softplus(-C~(x_r)) + E softplus(C~(x_f)), L_G = E softplus(C~(x_r)) + E softplus(-C~(x_f)).
     */
    static final class RelativisticAverageLoss implements GanLoss {
        int generatorCallsWithReal;

        @Override
        public Tensor discriminator(Tensor real, Tensor fake) {
            Tensor r = real.sub(fake.mean());
            Tensor f = fake.sub(real.mean());
            return torch.softplus(r.neg()).mean().add(torch.softplus(f).mean());
        }

        @Override
        public Tensor generator(Tensor real, Tensor fake) {
            generatorCallsWithReal += real != null ? 1 : 0;
            Tensor r = real.sub(fake.mean());
            Tensor f = fake.sub(real.mean());
            return torch.softplus(r).mean().add(torch.softplus(f.neg()).mean());
        }

        @Override
        public boolean generatorReadsReal() {
            return true;
        }
    }

    /** z (N, 4) -> 2 x (32, ReLU) -> (N, 2). */
    static final class PointGenerator extends Generator {
        private final Sequential net;

        PointGenerator() {
            super(4, 2);
            net = child("net", new Sequential(Layers.linear(4, 32), Layers.relu(), Layers.linear(32, 32), Layers.relu(),
                    Layers.linear(32, 2)));
        }

        @Override
        public Tensor forward(Tensor z) {
            return net.forward(z);
        }
    }

    /** Points of N((2, -1), 0.1^2 I), made on the fly from the index. */
    static final class Blob implements Dataset {
        @Override
        public String name() {
            return "blob";
        }

        @Override
        public int size() {
            return 4096;
        }

        @Override
        public long[] sampleShape() {
            return new long[] {2};
        }

        @Override
        public void sample(int i, float[] dst, int offset) {
            Random r = new Random(i);
            dst[offset] = (float) (2 + 0.1 * r.nextGaussian());
            dst[offset + 1] = (float) (-1 + 0.1 * r.nextGaussian());
        }
    }

    /** Distance from the mean of 1,000 of G's points to the blob's centre (2, -1). */
    private static double distanceOfMean(Generator g) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            torch.manual_seed(7);
            float[] xy = Tensors.toFloats(g.forward(torch.randn(1000, 4)));
            double mx = 0;
            double my = 0;
            for (int i = 0; i < 1000; i++) {
                mx += xy[2 * i] / 1000.0;
                my += xy[2 * i + 1] / 1000.0;
            }
            return Math.hypot(mx - 2, my + 1);
        }
    }

    @Test
    void ownLossGeneratorAndDatasetTrainThroughTheApi() {
        RelativisticAverageLoss loss = new RelativisticAverageLoss();
        PointGenerator g = new PointGenerator();
        double before = distanceOfMean(g);
        try (Trainer t = Trainer.builder()
                .setGenerator(g)
                .setDiscriminator(new MlpDiscriminator(2, 32, DOptions.PLAIN))
                .setData(new Blob())
                .optObjective(Objective.builder().setLoss(loss).build())
                .optOptimizerG(Optimizers.adam(1e-3, 0.5, 0.999))
                .optOptimizerD(Optimizers.adam(1e-3, 0.5, 0.999))
                .optBatchSize(64)
                .optSteps(300)
                .build()) {
            t.fit();
            assertThat(t.step()).isEqualTo(300);
        }
        assertThat(loss.generatorCallsWithReal).as("G's loss saw D's real logits every step").isEqualTo(300);
        double after = distanceOfMean(g);
        // G starts near the origin, ~2.2 from the blob; a trained G's mean must have closed most of that
        assertThat(before).isGreaterThan(1.5);
        assertThat(after).as("distance of G's mean from the data's").isLessThan(0.3 * before);
    }
}
