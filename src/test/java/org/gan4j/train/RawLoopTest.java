package org.gan4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.gan4j.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** The raw loop names the config keys whose work it leaves out, so its overhead is not misread. */
class RawLoopTest {
    private static List<String> leavesOut(String config) {
        return RawLoop.leavesOut(ConfigLoader.load(Path.of("configs", config), List.of()));
    }

    @Test
    void leavesOutNamesWhatTheRawStepSkips() {
        assertThat(leavesOut("dcgan-fashion.yaml")).isEmpty();
        assertThat(leavesOut("dcgan-mnist.yaml")).contains("model.conditioning");
        assertThat(leavesOut("wgan-gp-mnist.yaml")).containsExactly("objective.penalty");
        assertThat(leavesOut("wgan-clip-mnist.yaml")).containsExactly("objective.weight_clip");
        assertThat(leavesOut("best-mnist.yaml")).contains("model.conditioning");
        // a penalty of weight 0 adds no work
        assertThat(RawLoop.leavesOut(ConfigLoader.load(Path.of("configs", "wgan-gp-mnist.yaml"),
                List.of("objective.penalty_weight=0")))).isEmpty();
    }
}
