package org.gan4j.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.config.UserError;
import org.gan4j.models.Generator;
import org.gan4j.train.Checkpoint;
import org.gan4j.train.Sampler;
import org.gan4j.viz.Images;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sample", description = "Draw samples from a trained generator.")
final class SampleCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A checkpoint (.pt) written by train.")
    Path checkpoint;

    @Option(names = "--n", defaultValue = "64", description = "How many samples (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--out", required = true, paramLabel = "OUT",
            description = "A .png file for one grid, else a directory of single PNGs.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Noise seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--raw", description = "Use G itself even where the checkpoint holds an EMA copy.")
    boolean raw;

    @Option(names = "--class", paramLabel = "K", description = "Only class K (class-conditional generators), or latent component K (model.latent_components).")
    Integer label;

    @Option(names = "--class-grid", description = "One row per class or latent component, --n samples in each.")
    boolean classGrid;

    @Override
    public Integer call() {
        if (n <= 0) {
            throw new UserError("--n: must be > 0, got " + n);
        }
        Checkpoint.Header h = Checkpoint.header(checkpoint);
        ExperimentConfig cfg = h.config(checkpoint.toString());
        if (cfg.data().dataset().isToy()) {
            throw new UserError(checkpoint + ": a 2-D toy generator; its samples are points, not images");
        }
        if (label != null && classGrid) {
            throw new UserError("--class and --class-grid: choose one");
        }
        Generator g = Sampler.load(checkpoint, raw);
        fitsInMemory(g.sampleShape(), classGrid ? (long) n * Math.max(1, Sampler.choices(g)) : n);
        int cols = (int) Math.ceil(Math.sqrt(n));
        float[] v;
        if (classGrid) {
            if (Sampler.choices(g) == 0) {
                throw new UserError("--class-grid: " + checkpoint + " holds a generator that is neither class-conditional nor has latent components");
            }
            int[] labels = new int[n * Sampler.choices(g)];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i / n;
            }
            v = Sampler.draw(g, labels, seed);
            cols = n;
            n = labels.length;
        } else if (label != null) {
            int[] labels = new int[n];
            Arrays.fill(labels, label);
            v = Sampler.draw(g, labels, seed);
        } else {
            v = Sampler.draw(g, n, seed);
        }
        long[] s = g.sampleShape();
        int c = (int) s[0];
        int hh = (int) s[1];
        int w = (int) s[2];
        if (out.getFileName().toString().toLowerCase().endsWith(".png")) {
            Images.writePng(Images.grid(v, n, c, hh, w, cols), out);
            System.out.println("wrote a grid of " + n + " samples to " + out);
        } else {
            for (int i = 0; i < n; i++) {
                Images.writePng(Images.image(v, i, c, hh, w), out.resolve(String.format("%05d.png", i)));
            }
            System.out.println("wrote " + n + " samples to " + out + "/");
        }
        return 0;
    }

    /** Refuses up front a draw whose samples (and grid) would not fit this JVM's heap, with the figures. */
    private void fitsInMemory(long[] shape, long count) {
        long per = 4;
        for (long d : shape) {
            per *= d;
        }
        // the floats, and as much again for the grid image or the PNG being encoded
        double need = 2.0 * per * count;
        long have = Runtime.getRuntime().maxMemory();
        long most = Math.min(Integer.MAX_VALUE / (per / 4), have / (2 * per));
        if (count > most) {
            throw new UserError(String.format(Locale.ROOT,
                    "--n %d: %d samples of %s need %.1f GB in memory, and this JVM may use %.1f GB; at most %d at once",
                    n, count, Arrays.toString(shape), need / 1e9, have / 1e9, most));
        }
    }
}
