package org.gan4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trainer, step, model and loss interfaces know nothing of the speed package. */
class SpeedPathsBoundaryTest {
    @Test
    void coreInterfacesImportNothingFromTheFastPackage() throws Exception {
        Path main = Path.of("src", "main", "java", "org", "gan4j");
        for (String f : List.of("train/Trainer.java", "train/TrainStep.java", "train/PlainStep.java",
                "train/GanModel.java", "train/TrainingListener.java", "models/Generator.java",
                "models/Discriminator.java", "objectives/GanLoss.java", "objectives/Objective.java",
                "objectives/Term.java", "objectives/Terms.java", "nn/Layers.java", "nn/Net.java")) {
            String src = Files.readString(main.resolve(f));
            assertThat(src).as(f).doesNotContain("org.gan4j.fast");
        }
    }

    @Test
    void theSwitchGivesThePlainPath() {
        assertThat(SpeedPaths.choose(false)).isSameAs(SpeedPaths.NONE);
        assertThat(SpeedPaths.choose(true).getClass().getName()).as("found on the class path")
                .isEqualTo("org.gan4j.fast.FastPaths");
    }
}
