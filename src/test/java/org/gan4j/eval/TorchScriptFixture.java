package org.gan4j.eval;

import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.QualifiedName;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;

/**
 * Writes the committed test fixture tiny-extractor.pt: a TorchScript module, defined from
 * TorchScript source through libtorch's JIT, taking (N, 1, 28, 28) to features relu(x W) (N, 8)
 * and class logits (features V) (N, 10). Run: java -cp target/test-classes:target/classes:target/lib/*
 * org.gan4j.eval.TorchScriptFixture src/test/resources/org/gan4j/eval/tiny-extractor.pt
 */
public final class TorchScriptFixture {
    static final String SOURCE = """
            def forward(self, x):
                f = torch.relu(torch.flatten(x, 1) @ self.w)
                return f, f @ self.v
            """;

    private TorchScriptFixture() {
    }

    public static void main(String[] args) {
        torch.manual_seed(1);
        JitModule m = new JitModule(new QualifiedName("gan4j_fixture.TinyExtractor"));
        m.register_parameter("w", torch.randn(784, 8).mul(new Scalar(0.05)), false);
        m.register_parameter("v", torch.randn(8, 10), false);
        m.define(SOURCE);
        m.save(args[0]);
    }
}
