package org.gan4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.config.UserError;
import org.gan4j.train.ModesRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The 2-D mode-collapse benchmark (PacGAN protocol): trains every variant for every seed on
 * ring8 or grid25 and prints modes covered, high-quality share and reverse KL as mean +-
 * standard error. Runs are spread over worker processes, one libtorch thread each.
 */
@Command(name = "modes", description = "Mode-collapse benchmark on the 2-D mixtures (PacGAN protocol).")
final class BenchModes implements Callable<Integer> {
    @Option(names = "--dataset", required = true, description = "ring8 or grid25.")
    String dataset;

    @Option(names = "--seeds", defaultValue = "10", description = "Seeds per variant (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--variants", split = ",", description = "Variants to run (default: all): ${COMPLETION-CANDIDATES}")
    List<String> variants;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override for every variant, e.g. train.steps=2000.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--workers", defaultValue = "0", description = "Parallel processes (0: one per core).")
    int workers;

    @Option(names = "--out", paramLabel = "DIR", description = "Scatter plots of seed 0 per variant (default runs/bench-modes-DATASET).")
    Path out;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Option(names = "--worker", hidden = true, defaultValue = "-1")
    int worker;

    @Override
    public Integer call() throws Exception {
        if (!dataset.equals("ring8") && !dataset.equals("grid25")) {
            throw new UserError("--dataset: must be ring8 or grid25, got '" + dataset + "'");
        }
        if (seeds <= 0) {
            throw new UserError("--seeds: must be > 0, got " + seeds);
        }
        List<String> names = variants == null ? new ArrayList<>(ModesRun.VARIANTS.keySet()) : variants;
        for (String v : names) {
            if (!ModesRun.VARIANTS.containsKey(v)) {
                throw new UserError("--variants: unknown variant '" + v + "' (known: "
                        + String.join(", ", ModesRun.VARIANTS.keySet()) + ")");
            }
        }
        Path plots = out != null ? out : Path.of("runs", "bench-modes-" + dataset);
        List<Job> jobs = new ArrayList<>();
        for (String v : names) {
            for (int s = 0; s < seeds; s++) {
                jobs.add(new Job(v, s));
            }
        }
        // validate every config once up front: a typo fails here, not in a worker
        for (String v : names) {
            config(v, 0);
        }
        if (worker >= 0) {
            for (int i = worker; i < jobs.size(); i += workers) {
                Job j = jobs.get(i);
                ModesRun.Result r = ModesRun.run(config(j.variant, j.seed), j.seed == 0 ? plots : null, j.variant);
                System.out.println("RESULT " + new ObjectMapper().writeValueAsString(r.toMap(j.variant, j.seed)));
                System.out.flush();
            }
            return 0;
        }
        long t0 = System.nanoTime();
        List<Map<String, Object>> results = runAll(jobs, plots);
        double wall = (System.nanoTime() - t0) / 1e9;
        List<Map<String, Object>> table = new ArrayList<>();
        for (String v : names) {
            table.add(summary(v, results.stream().filter(r -> v.equals(r.get("variant"))).toList()));
        }
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("dataset", dataset);
            all.put("seeds", seeds);
            all.put("overrides", overrides);
            all.put("wall_s", wall);
            all.put("variants", table);
            all.put("runs", results);
            Json.print(all);
        } else {
            System.out.printf(Locale.ROOT, "%s, %d seeds, 2,500 samples each (PacGAN protocol); scatter plots in %s%n",
                    dataset, seeds, plots);
            System.out.printf(Locale.ROOT, "%-16s %-14s %-16s %-16s %s%n", "variant", "modes", "high quality %",
                    "reverse KL", "s/run");
            for (Map<String, Object> row : table) {
                System.out.printf(Locale.ROOT, "%-16s %-14s %-16s %-16s %.1f%n", row.get("variant"),
                        pm(row, "modes", 1, 1), pm(row, "hq", 100, 1), pm(row, "kl", 1, 3), (double) row.get("seconds"));
            }
            System.out.printf(Locale.ROOT, "total wall clock %.0f s%n", wall);
        }
        return 0;
    }

    private record Job(String variant, int seed) {
    }

    private ExperimentConfig config(String variant, int seed) {
        List<String> sets = new ArrayList<>(ModesRun.base(dataset));
        sets.addAll(ModesRun.overrides(variant, dataset));
        sets.addAll(overrides);
        sets.add("seed=" + (1000 + seed));
        sets.add("name=" + variant);
        return ConfigLoader.fromYaml("bench modes " + variant, "{}", sets);
    }

    private List<Map<String, Object>> runAll(List<Job> jobs, Path plots) throws Exception {
        int n = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        n = Math.max(1, Math.min(n, jobs.size()));
        List<Process> procs = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "bench", "modes", "--dataset", dataset, "--seeds", Integer.toString(seeds),
                    "--workers", Integer.toString(n), "--worker", Integer.toString(w), "--out", plots.toString()));
            if (variants != null) {
                cmd.add("--variants");
                cmd.add(String.join(",", variants));
            }
            for (String o : overrides) {
                cmd.add("--set");
                cmd.add(o);
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            // one core per worker: idle BLAS/OpenMP threads spin and starve the other workers (9x slower)
            pb.environment().put("OMP_NUM_THREADS", "1");
            pb.environment().put("OPENBLAS_NUM_THREADS", "1");
            procs.add(pb.start());
        }
        List<Map<String, Object>> results = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> readers = new ArrayList<>();
        int total = jobs.size();
        for (Process p : procs) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("RESULT ")) {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> m = new ObjectMapper().readValue(line.substring(7), Map.class);
                            results.add(m);
                            System.err.printf(Locale.ROOT, "[%d/%d] %s seed %s: %s modes, %.1f%% HQ, KL %.3f, %.1f s%n",
                                    results.size(), total, m.get("variant"), m.get("seed"), m.get("modes"),
                                    100 * ((Number) m.get("hq")).doubleValue(), ((Number) m.get("kl")).doubleValue(),
                                    ((Number) m.get("seconds")).doubleValue());
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            t.start();
            readers.add(t);
        }
        for (int i = 0; i < procs.size(); i++) {
            readers.get(i).join();
            int rc = procs.get(i).waitFor();
            if (rc != 0) {
                throw new IllegalStateException("bench modes worker " + i + " failed with exit code " + rc);
            }
        }
        Files.createDirectories(plots);
        return new ArrayList<>(results);
    }

    private Map<String, Object> summary(String variant, List<Map<String, Object>> runs) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("variant", variant);
        row.put("overrides", ModesRun.overrides(variant, dataset));
        for (String k : List.of("modes", "hq", "kl")) {
            double[] v = runs.stream().mapToDouble(r -> ((Number) r.get(k)).doubleValue()).toArray();
            double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
            double var = v.length < 2 ? 0 : java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1);
            row.put(k, mean);
            row.put(k + "_se", Math.sqrt(var / v.length));
        }
        row.put("seconds", runs.stream().mapToDouble(r -> ((Number) r.get("seconds")).doubleValue()).average().orElse(0));
        return row;
    }

    private static String pm(Map<String, Object> row, String k, double scale, int decimals) {
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " +- " + f, scale * (double) row.get(k), scale * (double) row.get(k + "_se"));
    }
}
