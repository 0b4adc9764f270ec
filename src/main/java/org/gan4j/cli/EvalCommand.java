package org.gan4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.gan4j.data.ArrayDataset;
import org.gan4j.config.Choices;
import org.gan4j.config.UserError;
import org.gan4j.data.Dataset;
import org.gan4j.data.ImageDatasets;
import org.gan4j.eval.Classifier;
import org.gan4j.eval.Evaluation;
import org.gan4j.eval.Npy;
import org.gan4j.eval.ReferenceCache;
import org.gan4j.train.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scores a generator against real training images, beside the same scores of real held-out
 * images (the floor a perfect generator would reach with that many samples).
 */
@Command(name = "eval", description = "FID, KID, classifier score, precision/recall, density/coverage and classes of a generator, with the real-data floor.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE")
    Path checkpoint;

    @Option(names = "--dataset", required = true, description = "mnist or fashion-mnist")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset directory (default: the usual search).")
    String data;

    @Option(names = "--classifier", required = true, paramLabel = "FILE", description = "From `gan4j classifier train`.")
    Path classifier;

    @Option(names = "--n", defaultValue = "10000", description = "Generated samples (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--held-out", defaultValue = "1000", description = "Last images kept out of the reference (default ${DEFAULT-VALUE}), as in classifier training.")
    int heldOut;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--raw", description = "Use G itself even where the checkpoint holds an EMA copy.")
    boolean raw;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Option(names = "--features-out", paramLabel = "DIR", description = "Write real, generated and held-out features as .npy.")
    Path featuresOut;

    @Option(names = "--no-cache", description = "Recompute the real images' side (features, neighbours, floor) instead of"
            + " reading it from $GAN4J_CACHE/eval or ~/.gan4j/cache/eval.")
    boolean noCache;

    @Override
    public Integer call() throws Exception {
        if (n <= 1) {
            throw new UserError("--n: must be > 1, got " + n);
        }
        long t0 = System.nanoTime();
        // as Main sets it; also when called through Main.run alone, as in tests
        int threads = Integer.getInteger("gan4j.threads", 0);
        org.gan4j.nn.Devices.threads(threads);
        Choices.Dataset d = DataFetch.parseDataset(dataset);
        ArrayDataset all = ImageDatasets.loadTrain(d, data, 0);
        if (heldOut <= 1 || heldOut >= all.size() - 1) {
            throw new UserError("--held-out: must be in 2.." + (all.size() - 2) + ", got " + heldOut);
        }
        Classifier c = Classifier.load(classifier).forShape(all.sampleShape(), classifier.toString());
        int sample = all.sampleSize();
        int nRef = Math.min(n, all.size() - heldOut);
        float[] ref = Arrays.copyOf(all.values(), nRef * sample);
        float[] held = Arrays.copyOfRange(all.values(), (all.size() - heldOut) * sample, all.size() * sample);
        double[] share = new double[c.classes()];
        if (all.labels() != null && c.classes() == all.classes()) {
            for (int i = 0; i < all.size() - heldOut; i++) {
                share[all.labels()[i]] += 1.0 / (all.size() - heldOut);
            }
        } else {
            // an extractor with its own classes (e.g. ImageNet's): the KL is to uniform
            java.util.Arrays.fill(share, 1.0 / Math.max(1, c.classes()));
        }
        Map<String, Double> stages = new LinkedHashMap<>();
        long t = System.nanoTime();
        float[] fake = Sampler.draw(Sampler.load(checkpoint, raw), n, seed);
        t = lap(stages, "generate", t);
        // the real side depends only on extractor, images, split and seed: computed once, then cached
        Path cacheDir = noCache ? null : ReferenceCache.defaultDir();
        String key = ReferenceCache.key(classifier, all.values(), all.labels(), nRef, heldOut, seed);
        ReferenceCache.Entry cached = cacheDir == null ? null : ReferenceCache.read(cacheDir, key);
        Evaluation.Scored sFake = Evaluation.Scored.of(c, fake, n);
        Evaluation.Scored sRef = cached != null ? cached.reference() : Evaluation.Scored.of(c, ref, nRef);
        Evaluation.Scored sHeld = cached != null ? cached.heldOut() : Evaluation.Scored.of(c, held, heldOut);
        t = lap(stages, "features", t);
        org.gan4j.eval.Metrics.Reference reference = Evaluation.reference(sRef, cached != null ? cached.radii() : null);
        t = lap(stages, "reference", t);
        Map<String, Double> gen = Evaluation.of(reference, sFake, share, seed);
        t = lap(stages, "metrics_generated", t);
        Map<String, Double> floor = cached != null ? cached.floor() : Evaluation.of(reference, sHeld, share, seed);
        // recall, coverage and density depend on the sample count: the generator at the floor's count too
        int m = Math.min(n, heldOut);
        Evaluation.Scored sFew = new Evaluation.Scored(Arrays.copyOf(sFake.features(), m * sFake.width()),
                Arrays.copyOf(sFake.probabilities(), m * c.classes()), m);
        Map<String, Double> genFew = Evaluation.of(reference, sFew, share, seed);
        lap(stages, "metrics_floor", t);
        if (cached == null && cacheDir != null) {
            ReferenceCache.write(cacheDir, key, new ReferenceCache.Entry(sRef, sHeld,
                    org.gan4j.nn.Tensors.toDoubles(reference.radii()), floor));
        }
        String cacheState = cacheDir == null ? "off" : cached != null ? "hit" : "miss";
        if (featuresOut != null) {
            Files.createDirectories(featuresOut);
            Npy.writeFloat32(featuresOut.resolve("real.npy"), sRef.features(), nRef, sRef.width());
            Npy.writeFloat32(featuresOut.resolve("generated.npy"), sFake.features(), n, sFake.width());
            Npy.writeFloat32(featuresOut.resolve("held_out.npy"), sHeld.features(), heldOut, sHeld.width());
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("checkpoint", checkpoint.toString());
            r.put("dataset", dataset);
            r.put("generated_samples", n);
            r.put("reference_samples", nRef);
            r.put("held_out_samples", heldOut);
            r.put("generated", gen);
            r.put("generated_at_floor_count", genFew);
            r.put("real_floor", floor);
            r.put("seconds", secs);
            r.put("seconds_by_stage", stages);
            r.put("reference_cache", cacheState);
            Json.print(r);
        } else {
            System.out.printf(Locale.ROOT, "%s: %d generated vs %d real training images; floor: %d real held-out images%n",
                    checkpoint, n, nRef, heldOut);
            System.out.printf(Locale.ROOT, "%-22s %14s %16s %14s%n", "metric", "generated",
                    "generated (" + m + ")", "real floor");
            for (String k : gen.keySet()) {
                System.out.printf(Locale.ROOT, "%-22s %14.5f %16.5f %14.5f%n", k, gen.get(k), genFew.get(k), floor.get(k));
            }
            System.out.printf(Locale.ROOT, "%.1f s, reference cache %s (%s)%n", secs, cacheState, stages.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
        return 0;
    }

    private static long lap(Map<String, Double> stages, String name, long since) {
        long now = System.nanoTime();
        stages.put(name, Math.round((now - since) / 1e7) / 100.0);
        return now;
    }
}
