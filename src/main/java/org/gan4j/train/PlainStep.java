package org.gan4j.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.gan4j.models.Discriminator;
import org.gan4j.models.GenInput;
import org.gan4j.nn.Params;
import org.gan4j.objectives.Objective;
import org.gan4j.objectives.StepTensors;
import org.gan4j.objectives.Term;

/**
 * The training step as the papers write it: for each of n_critic D steps, a real batch, G's
 * fakes, D on both, D's loss plus its terms, backward, D's optimizer; then D on the fakes, G's
 * loss plus its terms, backward, G's optimizer and the EMA. With n_critic 1 the G step reuses
 * the D step's fakes.
 */
public final class PlainStep implements TrainStep {
    @Override
    public StepResult run(GanModel m, Batches data, long step, boolean diagnostics) {
        Objective obj = m.objective();
        RealBatch b = null;
        GenInput in = null;
        Tensor fake = null;
        DStep last = null;
        for (int i = 0; i < m.nCritic(); i++) {
            b = data.next();
            in = m.inputs().draw(m.batchSize(), b, m.device());
            if (obj.needsRealGradient()) {
                b.x().requires_grad_(true); // R1 differentiates D(x) with respect to x
            }
            fake = m.nCritic() == 1 ? m.generate(in) : m.generateNoGrad(in);
            last = discriminatorStep(m, b, in, fake.detach());
        }
        double gradD = diagnostics ? Params.gradNorm(m.d()) : 0;
        Params.requiresGrad(m.d(), false); // G's step needs D's input gradients only
        Map<String, Tensor> gTerms = new LinkedHashMap<>();
        Tensor lossG = generatorBackward(m, b, in, fake, gTerms);
        double gradG = m.stepG(step, diagnostics);
        return new StepResult(last.loss, last.terms, lossG, gTerms, last.dReal, last.dFake,
                obj.loss().logitsOfProbability(), gradD, gradG);
    }

    /**
     * G's loss and terms on {@code fake} (the D step's, or new ones where n_critic > 1), their
     * gradients in G after zeroing; returns the adversarial loss, the terms' values into {@code gTerms}.
     */
    public static Tensor generatorBackward(GanModel m, RealBatch b, GenInput in, Tensor fake, Map<String, Tensor> gTerms) {
        Objective obj = m.objective();
        if (m.nCritic() > 1) {
            in = m.inputs().draw(m.batchSize(), b, m.device());
            fake = m.generate(in);
        }
        Discriminator.Output out = m.judge(fake, in.labels());
        Discriminator.Output real = null;
        if (obj.loss().generatorReadsReal()) {
            try (NoGradGuard ng = new NoGradGuard()) {
                real = m.judge(b.x().detach(), b.labels());
            }
        }
        Tensor lossG = obj.loss().generator(real == null ? null : real.logits(), out.logits());
        Tensor totalG = withTerms(lossG, obj.generatorTerms(),
                new StepTensors(b.x().detach(), b.labels(), fake, in, real, out, m.g(), m.d()), gTerms);
        m.optG().zeroGrad();
        totalG.backward();
        return lossG;
    }

    /** D's loss with its terms; its optimizer stepped. */
    private static DStep discriminatorStep(GanModel m, RealBatch b, GenInput in, Tensor fake) {
        Objective obj = m.objective();
        Discriminator.Output dReal = m.judge(b.x(), b.labels());
        Discriminator.Output dFake = m.judge(fake, in.labels());
        Tensor lossD = obj.loss().discriminator(dReal.logits(), dFake.logits());
        Map<String, Tensor> terms = new LinkedHashMap<>();
        Tensor total = withTerms(lossD, obj.discriminatorTerms(),
                new StepTensors(b.x(), b.labels(), fake, in, dReal, dFake, m.g(), m.d()), terms);
        m.optD().zeroGrad();
        total.backward();
        m.stepD();
        return new DStep(lossD, terms, dReal.logits(), dFake.logits());
    }

    /** {@code loss} plus each term's value, added in order; the values go to {@code into} by name. */
    public static Tensor withTerms(Tensor loss, java.util.List<Term> terms, StepTensors s, Map<String, Tensor> into) {
        Tensor total = loss;
        for (Term t : terms) {
            Tensor v = t.value(s);
            into.put(t.name(), v);
            total = total.add(v);
        }
        return total;
    }

    private record DStep(Tensor loss, Map<String, Tensor> terms, Tensor dReal, Tensor dFake) {
    }
}
