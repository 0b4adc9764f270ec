package org.gan4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every config under configs/ loads and validates, and its name matches its file. */
class ShippedConfigsTest {
    @Test
    void everyShippedConfigLoads() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("configs"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("dcgan-mnist.yaml", "toy-ring8.yaml", "wgan-gp-mnist.yaml", "wgan-clip-mnist.yaml",
                        "lsgan-mnist.yaml", "sngan-hinge-fashion.yaml");
        for (Path f : files) {
            ExperimentConfig c = ConfigLoader.load(f, List.of());
            assertThat(c.name() + ".yaml").as(f.toString()).isEqualTo(f.getFileName().toString());
        }
    }
}
