package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativesTest {
    @Test
    void theNativeDirectoriesAreThoseOfLibtorchOpenBlasAndJavaCpp() throws IOException {
        String platform = Loader.getPlatform();
        assertThat(Natives.nativeDirs()).extracting(URL::toString)
                .anyMatch(u -> u.endsWith("!/org/bytedeco/pytorch/" + platform + "/"))
                .anyMatch(u -> u.endsWith("!/org/bytedeco/openblas/" + platform + "/"))
                .anyMatch(u -> u.endsWith("!/org/bytedeco/javacpp/" + platform + "/"));
    }

    /**
     * A first run on an empty JavaCPP cache (a fresh user.home) loads the presets' own libtorch.
     * With a system libtorch on the linker's path (Debian's libtorch-dev: 1.13) this run used to
     * take the system's libtorch_cpu.so and crash the JVM (exit 134); without one it checks that
     * the fresh cache works and nothing of libtorch comes from outside it. About 5 s, most of it
     * extracting ~420 MB of natives.
     */
    @Test
    void aFreshCacheLoadsOnlyThePresetsOwnLibtorch(@TempDir Path home) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = home.resolve("out.txt");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-Duser.home=" + home,
                "-XX:ErrorFile=" + home.resolve("hs_err_pid%p.log"),
                "-cp", System.getProperty("java.class.path"), FirstUse.class.getName())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(exited).as(text).isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("sum 2.0, libtorch from elsewhere: []");
        assertThat(home.resolve(".javacpp/cache")).isDirectoryRecursivelyContaining("glob:**/libtorch_cpu.so");
    }

    /** The command line's first libtorch calls, then one op; lists libtorch files mapped from outside the cache. */
    static final class FirstUse {
        public static void main(String[] args) throws IOException {
            Devices.threads(0);
            float sum = torch.ones(2).sum().item_float();
            String cache = Loader.getCacheDir().toPath().toRealPath().toString();
            Path maps = Path.of("/proc/self/maps");
            List<String> elsewhere = !Files.exists(maps) ? List.of() : Files.readAllLines(maps).stream()
                    .filter(l -> l.contains("/libtorch") || l.contains("/libc10"))
                    .map(l -> l.substring(l.indexOf('/')))
                    .filter(f -> !f.startsWith(cache))
                    .distinct().toList();
            System.out.println("sum " + sum + ", libtorch from elsewhere: " + elsewhere);
        }
    }
}
