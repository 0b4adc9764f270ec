package org.gan4j.objectives;

import java.util.function.Function;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.models.CategoricalLatent;

/** The extra loss terms of the literature, each with its paper's weight as the caller gives it. */
public final class Terms {
    private Terms() {
    }

    /** R1 on real data (Mescheder et al. 2018, arXiv:1801.04406): gamma / 2 E||dD(x)/dx||^2; D's side. */
    public static Term r1(double gamma) {
        return new Term() {
            @Override
            public String name() {
                return "penalty";
            }

            @Override
            public Tensor value(StepTensors s) {
                return Penalties.r1(s.dReal().logits(), s.real(), gamma);
            }

            @Override
            public boolean needsRealGradient() {
                return true;
            }
        };
    }

    /** WGAN-GP (Gulrajani et al. 2017, arXiv:1704.00028), lambda 10 in the paper; D's side. */
    public static Term gradientPenalty(double lambda) {
        return Term.of("penalty", s -> Penalties.gradientPenalty(x -> s.d().judge(x, s.realLabels()).logits(),
                s.real(), float32(s.fake()), 1.0, false).mul(new Scalar(lambda)));
    }

    /** ACGAN (Odena et al. 2017): cross-entropy of D's class logits on real and fake samples; D's side. */
    public static Term classesD() {
        return outputsOnly("loss_class_d", s -> ClassLoss.crossEntropy(s.dReal().classLogits(), s.realLabels())
                .add(ClassLoss.crossEntropy(s.dFake().classLogits(), s.fakeInput().labels())));
    }

    /** ACGAN: cross-entropy of D's class logits on the fakes against the classes G was asked for; G's side. */
    public static Term classesG() {
        return outputsOnly("loss_class_g", s -> ClassLoss.crossEntropy(s.dFake().classLogits(), s.fakeInput().labels()));
    }

    /**
     * InfoGAN (Chen et al. 2016, arXiv:1606.03657): weight times the cross-entropy of Q's guess of
     * the latent component against the one each fake's z picked; the same term on both sides.
     */
    public static Term info(double weight, boolean discriminatorSide) {
        return outputsOnly(discriminatorSide ? "loss_class_d" : "loss_info_g",
                s -> ClassLoss.crossEntropy(s.dFake().classLogits(), ((CategoricalLatent) s.g()).component(s.fakeInput().z()))
                        .mul(new Scalar(weight)));
    }

    /** MSGAN (Mao et al. 2019, arXiv:1903.05628): weight / (ratio + 1e-5) over pairs i, i + N/2; G's side. */
    public static Term modeSeeking(double weight) {
        return Term.of("mode_seeking", s -> ModeSeeking.loss(float32(s.fake()), s.fakeInput().z()).mul(new Scalar(weight)));
    }

    /** pix2pix's reconstruction term (Isola et al. 2017, lambda 100): weight E|G(x) - y|; G's side. */
    public static Term l1(double weight) {
        return Term.of("l1", s -> float32(s.fake()).sub(s.real()).abs().mean().mul(new Scalar(weight)));
    }

    private static Term outputsOnly(String name, Function<StepTensors, Tensor> value) {
        return Term.of(name, value, true);
    }

    private static Tensor float32(Tensor t) {
        return t.scalar_type() == torch.ScalarType.Float ? t : t.toType(torch.ScalarType.Float);
    }
}
