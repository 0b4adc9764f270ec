package org.gan4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java example, as a user would run it: its code block compiled against the built
 * artifact (target/gan4j.jar and its dependencies) and run in a JVM of its own, a few steps on
 * MNIST; it must write its sample grid. Runs in {@code mvn verify}, after the jar is built.
 */
class ReadmeExampleIT {
    @TempDir
    Path tmp;

    @Test
    void readmesJavaExampleCompilesAgainstTheJarAndWritesASampleGrid() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README.md has a ```java block").isTrue();
        String code = m.group(1);
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(code);
        assertThat(cls.find()).as("the example declares a public class").isTrue();
        Path src = tmp.resolve("src").resolve(cls.group(1) + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, code);
        Path jar = Path.of("target", "gan4j.jar").toAbsolutePath();
        assertThat(jar).as("the built artifact (mvn package)").exists();
        String classpath = jar + File.pathSeparator + Path.of("target", "lib").toAbsolutePath() + File.separator + "*";
        Path classes = tmp.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-cp", classpath, "-d", classes.toString(), src.toString());
        assertThat(compiled).as("javac of the README's example").isZero();

        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Path mnist = TestData.mnistDir(tmp);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes + File.pathSeparator + classpath, cls.group(1), "5")
                .directory(run.toFile()).redirectErrorStream(true);
        pb.environment().put("GAN4J_DATA", mnist.getParent().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("the example's exit code; it printed:\n" + out).isZero();

        List<Path> grids;
        try (var files = Files.walk(run)) {
            grids = files.filter(f -> f.toString().endsWith(".png")).toList();
        }
        assertThat(grids).as("the sample grid the example writes").hasSize(1);
        BufferedImage grid = ImageIO.read(grids.get(0).toFile());
        // 64 digits of 28x28 side by side in 8 columns
        assertThat(grid.getWidth()).isGreaterThanOrEqualTo(8 * 28);
        assertThat(grid.getHeight()).isGreaterThanOrEqualTo(8 * 28);
    }
}
