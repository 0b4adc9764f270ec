package org.gan4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.gan4j.config.UserError;
import org.gan4j.data.ToyMixtures;
import org.gan4j.models.DOptions;
import org.gan4j.models.MlpDiscriminator;
import org.gan4j.models.MlpGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer as a Java user builds it: validation in build(), and a resume that refuses other settings. */
class TrainerApiTest {
    @TempDir
    Path tmp;

    private static Trainer.Builder toy(int batch) {
        return Trainer.builder()
                .setGenerator(new MlpGenerator(4, 16, false, 2))
                .setDiscriminator(new MlpDiscriminator(2, 16, DOptions.PLAIN))
                .setData(ToyMixtures.ring8(512, 1))
                .optBatchSize(batch)
                .optSteps(6)
                .optThreads(1);
    }

    @Test
    void buildNamesTheMissingOrWrongField() {
        assertThatThrownBy(() -> Trainer.builder().build()).hasMessageContaining("generator is required");
        assertThatThrownBy(() -> toy(0).build()).hasMessageContaining("batch_size must be positive, got 0");
        assertThatThrownBy(() -> toy(8).optEma(0.99, 0, null).build()).hasMessageContaining("EMA needs a generator");
        assertThatThrownBy(() -> toy(8).setGenerator(new MlpGenerator(4, 16, false, 3)).build())
                .isInstanceOf(UserError.class).hasMessageContaining("shape [2]");
    }

    @Test
    void resumeContinuesTheSameRunAndRefusesChangedSettings() {
        Path ckpt = tmp.resolve("toy.pt");
        try (Trainer t = toy(8).build()) {
            t.fit();
            t.save(ckpt);
        }
        try (Trainer t = toy(8).optSteps(9).build()) {
            assertThat(t.resumeFrom(ckpt).step()).as("the step count may grow").isEqualTo(6);
            t.fit();
            assertThat(t.step()).isEqualTo(9);
        }
        try (Trainer t = toy(16).build()) {
            assertThatThrownBy(() -> t.resumeFrom(ckpt)).isInstanceOf(UserError.class)
                    .hasMessageContaining("batch_size");
        }
    }
}
