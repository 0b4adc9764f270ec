package org.gan4j.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Losses and diagnostics of one step, left on the device until {@link #row} reads them (only
 * on logged steps): D's adversarial loss and terms, G's, D's logits on the last real and fake
 * batches, and the gradient norms where diagnostics were asked for (else 0).
 */
public record StepResult(Tensor lossD, Map<String, Tensor> dTerms, Tensor lossG, Map<String, Tensor> gTerms,
                         Tensor dReal, Tensor dFake, boolean probabilities, double gradD, double gradG) {
    /** The metrics row of step {@code step} (1-based: steps done). */
    public Map<String, Object> row(long step) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("loss_d", lossD.item_double());
        dTerms.forEach((k, v) -> m.put(k, v.item_double()));
        m.put("loss_g", lossG.item_double());
        gTerms.forEach((k, v) -> m.put(k, v.item_double()));
        // D(x) as a probability for logit games, as the raw critic score for the others
        m.put("d_real", (probabilities ? torch.sigmoid(dReal) : dReal).mean().item_double());
        m.put("d_fake", (probabilities ? torch.sigmoid(dFake) : dFake).mean().item_double());
        m.put("grad_norm_d", gradD);
        m.put("grad_norm_g", gradG);
        return m;
    }
}
