package org.gan4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.data.BatchLoader;
import org.gan4j.nn.Devices;
import org.gan4j.nn.NativeMemory;
import org.gan4j.nn.Versions;
import org.gan4j.train.RawLoop;
import org.gan4j.train.Experiment;
import org.gan4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "step", description = "Time full training steps and compare with this machine's sgemm rate.")
final class BenchStep implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE")
    List<String> overrides = new ArrayList<>();

    // 100 steps: a shared VM's step time wanders +-5% over seconds, and a longer window averages it
    @Option(names = "--steps", defaultValue = "100", description = "Timed steps after warm-up (default ${DEFAULT-VALUE}).")
    int steps;

    // steady state: Java's JIT compiles the step's hot paths over its first ~10-20 steps, and the
    // steps stay a little slower for a while (DCGAN-28 on the Xeon: 30 timed steps after 20 warm-up
    // steps read 2.6% slower than the same run's later steps, five runs; after 50, 0.9%)
    @Option(names = "--warmup", defaultValue = "50", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--plain-steps", defaultValue = "30",
            description = "Steps of the same config with fast paths off (train.fast_paths=false), timed after the rest "
                    + "(0: skip; default ${DEFAULT-VALUE}).")
    int plainSteps;

    @Option(names = "--raw-steps", defaultValue = "100",
            description = "Steps of the raw libtorch loop timed for comparison, in blocks alternating with as many "
                    + "of the trainer's (0: skip; default ${DEFAULT-VALUE}).")
    int rawSteps;

    @Option(names = "--precision", paramLabel = "fp32|bf16", description = "Shorthand for --set train.precision=...")
    String precision;

    // the machine's rate moves within seconds here (the sgemm rate of one run fell from 353 to 206
    // GFLOP/s while its steps ran as fast as ever): a reading right before each block of steps
    // pairs each block with the machine it ran on
    @Option(names = "--paired-blocks", defaultValue = "8",
            description = "After the timed steps, blocks of 10 steps each right after its own sgemm reading; "
                    + "efficiency_paired is the median of the blocks' ratios (0: skip; default ${DEFAULT-VALUE}).")
    int pairedBlocks;

    @Option(names = "--profile", description = "Also time each phase of the raw loop's step (G forward, D backward, ...).")
    boolean profile;

    @Override
    public Integer call() throws Exception {
        if (steps <= 0 || warmup < 0) {
            throw new org.gan4j.config.UserError("--steps must be > 0 and --warmup >= 0, got " + steps + " and " + warmup);
        }
        if (precision != null) {
            overrides.add("train.precision=" + precision);
        }
        ExperimentConfig cfg = ConfigLoader.load(config, overrides);
        Trainer trainer = Experiment.detached(cfg);
        org.bytedeco.pytorch.Device device = trainer.device();
        long flops = trainer.flopsPerStep();
        Map<String, Object> r = new LinkedHashMap<>();
        {
            BatchLoader loader = trainer.loader();
            // the warm-up's last steps run after the products below
            int settle = Math.min(SETTLE_STEPS, warmup);
            for (int i = 0; i < warmup - settle; i++) {
                trainer.stepOnce();
            }
            long peakWarm = rssKb("VmHWM"); // start-up and warm-up, before the products below
            // the machine's rate after the warm-up, right before the timed steps: measured at
            // start-up it shared the vCPUs with Java's JIT compilers and read 186-203 GFLOP/s
            // against 265 after the steps, which made a step look faster than the machine
            SgemmRates before = sgemmRates(device, Runtime.getRuntime().availableProcessors());
            double sgemm = before.best();
            // one thread's rate beside it: ~1x means the vCPUs are one core's hyper-threads, ~2x two
            // cores, where the step's serial parts weigh twice as much (this VM moves between both)
            double sgemm1 = device.is_cuda() ? 0 : sgemmGflops(device, 1);
            // the products' 48 MB, freed but kept by malloc on top of the step's memory, are the
            // bench's, not training's (they lifted the peak from ~740 to ~835 MB): once they are
            // given back, the peak counts again from here over the timed steps
            org.gan4j.nn.NativeMemory.trim();
            resetPeakRss();
            // the first step after the products and the trim ran 26-145 ms slower than the rest
            // (166-285 vs ~140 ms, with or without a pause, with or without the trim): a disturbance
            // of the bench's own making, which training never meets. So the warm-up ends here, and
            // the timed steps still start at step `warmup`, where the RSS readings below fall right
            // after the trainer's malloc_trim (the peak covers these steps too)
            for (int i = 0; i < settle; i++) {
                trainer.stepOnce();
            }
            Devices.synchronize(device); // CUDA queues work: time what ran, not what was queued
            long rssStart = rssKb("VmRSS");
            // RSS is read after every step (statm, ~10 us) and reported as the highest reading
            // of a window of steps, the working set whenever the trainer's trims fall (they
            // come only when memory has grown, and the step after one faults its pages back):
            // at 10% and at the end, each over the WINDOW steps before it; growth after the
            // first tenth is what leaks
            int window = Math.max(1, Math.min(RSS_WINDOW, steps / 10));
            int tenth = Math.max(1, steps / 10);
            long rssTenth = 0;
            long rssEnd = 0;
            List<Long> trace = new ArrayList<>();
            List<Long> heapTrace = new ArrayList<>();
            List<Long> javacppTrace = new ArrayList<>();
            java.lang.management.MemoryMXBean mem = java.lang.management.ManagementFactory.getMemoryMXBean();
            int traceEvery = Math.max(1, steps / 20);
            long traceMax = 0;
            // Java's JIT still compiles during the timed steps, on the steps' vCPUs (-1: the JVM does not say)
            java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
            boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
            long jit0 = jitTimed ? jit.getTotalCompilationTime() : 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                trainer.stepOnce();
                long rss = org.gan4j.nn.NativeMemory.resident();
                traceMax = Math.max(traceMax, rss);
                if (i + 1 > tenth - window && i + 1 <= tenth) {
                    rssTenth = Math.max(rssTenth, rss);
                }
                if (i + 1 > steps - window) {
                    rssEnd = Math.max(rssEnd, rss);
                }
                if ((i + 1) % traceEvery == 0) {
                    trace.add(traceMax >> 20);
                    traceMax = 0;
                    heapTrace.add(mem.getHeapMemoryUsage().getCommitted() >> 20);
                    javacppTrace.add(org.bytedeco.javacpp.Pointer.totalBytes() >> 20);
                }
            }
            Devices.synchronize(device);
            double secs = (System.nanoTime() - t0) / 1e9;
            long jitMs = jitTimed ? jit.getTotalCompilationTime() - jit0 : -1;
            long peak = Math.max(peakWarm, rssKb("VmHWM")); // before the products below allocate theirs
            // the machine's rate again after the steps: a shared VM's rate drifts over a run (its
            // vCPUs even turn from one core's hyper-threads into two cores), and the steps' rate is
            // an average over the run, so the ratio is taken against the mean of the two
            SgemmRates after = sgemmRates(device, Runtime.getRuntime().availableProcessors());
            double sgemmAfter = after.best();
            double msPerStep = 1000 * secs / steps;
            double images = (double) cfg.train().batchSize() * cfg.train().nCritic() * steps / secs;
            double gflops = flops * (steps / secs) / 1e9;
            r.put("config", config.toString());
            r.put("batch_size", cfg.train().batchSize());
            r.put("steps", steps);
            r.put("device", device.is_cuda() ? "cuda" : "cpu");
            r.put("threads", torch.get_num_threads());
            r.put("d_passes_side_by_side", org.gan4j.fast.FastPaths.forksD(trainer.stepper()));
            r.put("speed_paths", trainer.speedPaths());
            r.put("conv_channel_padding", org.gan4j.nn.KernelCheck.reason());
            r.put("ms_per_step", round(msPerStep));
            r.put("images_per_s", round(images));
            r.put("gflop_per_step", round(flops / 1e9));
            r.put("achieved_gflops", round(gflops));
            double roof = (sgemm + sgemmAfter) / 2;
            r.put("sgemm_gflops", round(roof));
            r.put("sgemm_gflops_before_after", List.of(round(sgemm), round(sgemmAfter)));
            if (before.onednn() > 0) {
                // which library set the rate: the mean of each over the two samples
                r.put("sgemm_gflops_openblas", round((before.blas() + after.blas()) / 2));
                r.put("sgemm_gflops_onednn", round((before.onednn() + after.onednn()) / 2));
            }
            // how far the machine moved during the steps: past a few percent the ratio is uncertain
            r.put("sgemm_drift", round(Math.abs(sgemmAfter - sgemm) / roof));
            if (sgemm1 > 0) {
                r.put("sgemm_gflops_1thread", round(sgemm1));
            }
            r.put("efficiency", round(gflops / roof));
            r.put("jit_compile_ms_during_steps", jitMs);
            if (pairedBlocks > 0 && !device.is_cuda()) {
                List<PairedBlock> blocks = pairedBlocks(trainer, loader, device, pairedBlocks);
                double[] ratios = blocks.stream().mapToDouble(b -> b.efficiency(flops)).toArray();
                double fastest = blocks.stream().mapToDouble(PairedBlock::msPerStep).min().orElseThrow();
                double bestSgemm = Math.max(Math.max(sgemm, sgemmAfter),
                        blocks.stream().mapToDouble(PairedBlock::sgemm).max().orElseThrow());
                double[] sorted = ratios.clone();
                java.util.Arrays.sort(sorted);
                r.put("efficiency_paired", round(median(sorted)));
                r.put("efficiency_paired_quartiles", List.of(round(sorted[sorted.length / 4]),
                        round(sorted[(3 * sorted.length) / 4])));
                r.put("efficiency_paired_blocks", java.util.Arrays.stream(ratios).map(BenchStep::round).boxed().toList());
                r.put("paired_blocks_sgemm_gflops", blocks.stream().map(b -> round(b.sgemm())).toList());
                r.put("paired_blocks_ms_per_step", blocks.stream().map(b -> round(b.msPerStep())).toList());
                // best against best: the fastest block of steps over the highest sgemm reading of
                // the run (each reading is already the best of its products)
                r.put("efficiency_best_vs_best", round(new PairedBlock(bestSgemm, fastest).efficiency(flops)));
            }
            r.put("rss_mb_start", rssStart / 1024);
            r.put("rss_mb_at_10pct", rssTenth >> 20);
            r.put("rss_mb_end", rssEnd >> 20);
            r.put("rss_growth_after_10pct", round((rssEnd - rssTenth) / (double) Math.max(1, rssTenth)));
            r.put("rss_window_steps", window);
            r.put("memory_trims", trainer.listener(org.gan4j.train.MemoryListener.class).trims());
            r.put("rss_mb_trace", trace);
            // where growth would come from: the Java heap (committed) and JavaCPP-tracked native memory
            r.put("java_heap_committed_mb_trace", heapTrace);
            r.put("javacpp_tracked_mb_trace", javacppTrace);
            r.put("peak_rss_mb", peak / 1024);
            r.put("precision", cfg.train().precision().toString());
            r.put("allocator", NativeMemory.allocator());
        }
        double loaderImages = loaderImagesPerS(trainer, cfg);
        r.put("loader_images_per_s", Math.round(loaderImages));
        r.put("loader_over_step", round(loaderImages / (double) r.get("images_per_s")));
        List<String> leftOut = RawLoop.leavesOut(cfg);
        if (rawSteps > 0) {
            double[] ms = besideRawLoop(trainer, cfg, warmup, rawSteps);
            r.put("raw_loop_ms_per_step", round(ms[1]));
            r.put("ms_per_step_beside_raw", round(ms[0]));
            r.put("overhead_over_raw", round(ms[0] / ms[1] - 1));
            r.put("raw_loop_leaves_out", leftOut);
        }
        if (plainSteps > 0 && cfg.train().fastPaths()) {
            double plain = plainMsPerStep(cfg, warmup, plainSteps);
            r.put("plain_path_ms_per_step", round(plain));
            r.put("fast_paths_speedup", round(plain / (double) r.get("ms_per_step")));
        }
        if (profile) {
            r.put("raw_ms_by_phase", new RawLoop(cfg).profile(warmup, Math.max(20, rawSteps)));
        }
        r.put("versions", Versions.all());
        if (json) {
            Json.print(r);
        } else {
            r.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-24s %s%n", k, v));
        }
        if (rawSteps > 0 && !leftOut.isEmpty()) {
            System.err.println("gan4j: the raw loop leaves out " + String.join(", ", leftOut)
                    + ": overhead_over_raw compares unlike steps");
        }
        Object drift = r.get("sgemm_drift");
        if (drift instanceof Double d && d > DRIFT_WARN) {
            System.err.printf(Locale.ROOT, "gan4j: the machine's sgemm rate moved %.0f%% during the steps; "
                    + "efficiency is uncertain, run again%n", 100 * d);
        }
        trainer.close();
        return 0;
    }

    /** Steps in each of {@link #pairedBlocks}' blocks, and untimed steps before them. */
    static final int PAIRED_STEPS = 10;
    static final int PAIRED_SETTLE = 2;

    /** One block of {@link #pairedBlocks}: the machine's sgemm GFLOP/s, then the steps' ms each. */
    record PairedBlock(double sgemm, double msPerStep) {
        /** The steps' rate over the block's sgemm reading, for {@code flops} a step. */
        double efficiency(long flops) {
            return flops / (msPerStep / 1000) / 1e9 / sgemm;
        }
    }

    /**
     * Each block: the machine's sgemm rate (best of three products per library), then
     * {@value #PAIRED_SETTLE} untimed steps (the first step after the products runs slow, see
     * {@link #call}), then {@value #PAIRED_STEPS} timed ones.
     */
    static List<PairedBlock> pairedBlocks(Trainer trainer, BatchLoader loader, org.bytedeco.pytorch.Device device,
                                          int blocks) {
        List<PairedBlock> out = new ArrayList<>();
        int cpus = Runtime.getRuntime().availableProcessors();
        for (int b = 0; b < blocks; b++) {
            double sgemm = sgemmRates(device, cpus, 3).best();
            for (int i = 0; i < PAIRED_SETTLE; i++) {
                trainer.stepOnce();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < PAIRED_STEPS; i++) {
                trainer.stepOnce();
            }
            out.add(new PairedBlock(sgemm, (System.nanoTime() - t0) / 1e6 / PAIRED_STEPS));
        }
        return out;
    }

    /** The median of sorted values. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * Relative change of the sgemm rate over the steps past which a warning goes out: a run
     * whose rate moved 6-11% (the Xeon VM's vCPUs changing kind mid-run) measured its steps
     * against a machine that was not the one either product saw.
     */
    static final double DRIFT_WARN = 0.05;

    /**
     * Milliseconds per step of the trainer and of {@link RawLoop} on the same config, timed in
     * alternating blocks of up to 25 steps each ({@code steps} of each in all, the order swapped
     * from one pair of blocks to the next): both see the same drift of a shared machine, which
     * over seconds moves either alone by +-5%.
     */
    static double[] besideRawLoop(Trainer trainer, ExperimentConfig cfg, int warmup, int steps) {
        RawLoop raw = new RawLoop(cfg);
        org.bytedeco.pytorch.Device device = trainer.device();
        int block = Math.max(1, Math.min(25, steps / 6));
        long[] ns = new long[2];
        {
            BatchLoader loader = trainer.loader();
            for (int i = 0; i < warmup; i++) {
                raw.step(); // the trainer is warm already
            }
            for (int done = 0, pair = 0; done < steps; done += block, pair++) {
                int n = Math.min(block, steps - done);
                for (int half = 0; half < 2; half++) {
                    boolean rawNow = (pair + half) % 2 == 1;
                    Devices.synchronize(device);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        if (rawNow) {
                            raw.step();
                        } else {
                            trainer.stepOnce();
                        }
                    }
                    Devices.synchronize(device);
                    ns[rawNow ? 1 : 0] += System.nanoTime() - t0;
                }
            }
        }
        return new double[] {ns[0] / 1e6 / steps, ns[1] / 1e6 / steps};
    }

    /** Milliseconds per step of {@code cfg} with the fast paths off, after {@code warmup} steps. */
    static double plainMsPerStep(ExperimentConfig cfg, int warmup, int steps) {
        ExperimentConfig plain = ConfigLoader.fromYaml("bench", ConfigLoader.toYaml(cfg), List.of("train.fast_paths=false"));
        try (Trainer t = Experiment.detached(plain)) {
            for (int i = 0; i < warmup; i++) {
                t.stepOnce();
            }
            Devices.synchronize(t.device());
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                t.stepOnce();
            }
            Devices.synchronize(t.device());
            return (System.nanoTime() - t0) / 1e6 / steps;
        }
    }

    /** Images per second the batch loader alone delivers (2,000 batches after 50 of warm-up). */
    static double loaderImagesPerS(Trainer trainer, ExperimentConfig cfg) {
        try (BatchLoader loader = new BatchLoader(trainer.data(), cfg.train().batchSize(), cfg.seed(), 0,
                cfg.data().prefetch())) {
            for (int i = 0; i < 50; i++) {
                loader.recycle(loader.next());
            }
            int n = 2000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                loader.recycle(loader.next());
            }
            return (double) n * cfg.train().batchSize() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Steps of the warm-up run between the bench's own products and the timed steps. */
    static final int SETTLE_STEPS = 2;

    /** Steps over which an RSS reading takes its highest value (the trainer checks memory every 50). */
    static final int RSS_WINDOW = 50;

    /**
     * Best of several float32 matrix products on {@code device}, in GFLOP/s: the machine's rate.
     * On the CPU 2048x2048 on {@code cpus} threads, whatever thread count the step runs with; on
     * CUDA 8192x8192 with TF32 off (libtorch's default for matmuls, as in the step).
     */
    static double sgemmGflops(org.bytedeco.pytorch.Device device, int cpus) {
        return sgemmRates(device, cpus).best();
    }

    /**
     * The rates of the two float32 matrix-multiply libraries libtorch carries on the CPU:
     * OpenBLAS ({@code torch.mm}) and oneDNN (a linear layer on oneDNN's own tensors), 0 where
     * absent; on CUDA cuBLAS alone. Either may be the faster: OpenBLAS 0.3.31 does not know AMD's
     * Zen 5 and runs its AVX2 kernels there (115-120 GFLOP/s on two cores, oneDNN 100-200), so
     * the machine's rate is the better of the two, not the one a library happened to tune.
     */
    record SgemmRates(double blas, double onednn) {
        double best() {
            return Math.max(blas, onednn);
        }
    }

    static SgemmRates sgemmRates(org.bytedeco.pytorch.Device device, int cpus) {
        return sgemmRates(device, cpus, 8);
    }

    /** {@link #sgemmRates(org.bytedeco.pytorch.Device, int)} from the best of {@code reps} products each. */
    static SgemmRates sgemmRates(org.bytedeco.pytorch.Device device, int cpus, int reps) {
        boolean cuda = device.is_cuda();
        int n = cuda ? 8192 : 2048;
        int stepThreads = torch.get_num_threads();
        if (!cuda) {
            Devices.threads(cpus);
            Devices.blasThreads(cpus); // torch.mm is OpenBLAS's
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor a = Devices.onDevice(torch.randn(n, n), device);
            Tensor b = Devices.onDevice(torch.randn(n, n), device);
            double blas = bestOf(() -> torch.mm(a, b), n, device, reps);
            double onednn = 0;
            if (!cuda && torch.globalContext().hasMKLDNN()) {
                Tensor am = a.to_mkldnn();
                Tensor bm = b.to_mkldnn();
                onednn = bestOf(() -> torch.linear(am, bm), n, device, reps);
            }
            return new SgemmRates(blas, onednn);
        } finally {
            Devices.threads(stepThreads);
        }
    }

    /** GFLOP/s of the fastest of {@code reps} timed n x n products, after one untimed. */
    private static double bestOf(Runnable product, int n, org.bytedeco.pytorch.Device device, int reps) {
        double best = 0;
        for (int i = -1; i < reps; i++) {
            try (PointerScope each = new PointerScope()) { // each product freed before the next
                long t0 = System.nanoTime();
                product.run();
                Devices.synchronize(device); // CPU products are complete on return
                double s = (System.nanoTime() - t0) / 1e9;
                if (i >= 0) {
                    best = Math.max(best, 2.0 * n * n * n / s / 1e9);
                }
            }
        }
        return best;
    }

    /** Resets VmHWM to the current RSS (Linux's clear_refs); elsewhere the peak keeps counting. */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception e) {
            // no /proc or not writable: the peak then includes the sgemm products, an overestimate
        }
    }

    /** A field of /proc/self/status in kB (0 where there is no /proc). */
    static long rssKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
