package org.gan4j.objectives;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.models.Discriminator;
import org.gan4j.models.GenInput;
import org.gan4j.models.Generator;

/**
 * What a loss term may read of one step: the real batch (N, ...) and its labels, the fakes and
 * what G made them from, D's outputs on both (in float32; {@code dReal} null in a G step whose
 * adversarial loss does not read it), and the two networks (a penalty runs D again).
 */
public record StepTensors(Tensor real, Tensor realLabels, Tensor fake, GenInput fakeInput,
                          Discriminator.Output dReal, Discriminator.Output dFake, Generator g, Discriminator d) {
}
