package org.gan4j.data;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.nn.Tensors;

/**
 * k-means (Lloyd's iterations from k-means++ seeds, Arthur and Vassilvitskii 2007) on the
 * samples' pixels, in float64. The seeds come from {@code seed} alone, so the clusters of a
 * dataset are the same on every run; the products run in libtorch, chunk by chunk.
 */
public final class KMeans {
    private static final int CHUNK = 4096;
    private static final int MAX_ITERATIONS = 100;

    private KMeans() {
    }

    /** The cluster of each sample, in [0, k); every cluster keeps at least its seed sample. */
    public static int[] assign(Dataset data, int k, long seed) {
        int n = data.size();
        if (k < 2 || k > n) {
            throw new IllegalArgumentException(data.name() + ": k-means needs 2 <= k <= " + n + " samples, got k " + k);
        }
        int per = data.sampleSize();
        float[] all = new float[Math.multiplyExact(n, per)];
        for (int i = 0; i < n; i++) {
            data.sample(i, all, i * per);
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor x = Tensors.fromFloats(all, n, per).toType(torch.ScalarType.Double);
            Tensor centres = seeds(x, k, new SplittableRandom(seed));
            int[] a = nearest(x, centres);
            for (int it = 0; it < MAX_ITERATIONS; it++) {
                int[] next;
                try (PointerScope inner = new PointerScope()) {
                    Tensor moved = means(x, a, centres);
                    centres.copy_(moved);
                    next = nearest(x, centres);
                }
                if (java.util.Arrays.equals(next, a)) {
                    break;
                }
                a = next;
            }
            return a;
        }
    }

    /** Share of the samples in each cluster. */
    public static double[] shares(int[] assignment, int k) {
        double[] s = new double[k];
        for (int c : assignment) {
            s[c] += 1.0 / assignment.length;
        }
        return s;
    }

    /** k-means++: each next seed drawn with probability proportional to its squared distance to the nearest seed. */
    private static Tensor seeds(Tensor x, int k, SplittableRandom rnd) {
        int n = (int) x.size(0);
        int[] picked = new int[k];
        picked[0] = rnd.nextInt(n);
        double[] d2 = squaredDistances(x, x.select(0, picked[0]));
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            double r = rnd.nextDouble() * total;
            int i = 0;
            for (double acc = d2[0]; acc <= r && i < n - 1; acc += d2[++i]) {
                // walk the cumulative sum to the drawn mass
            }
            picked[j] = i;
            double[] di;
            try (PointerScope inner = new PointerScope()) {
                di = squaredDistances(x, x.select(0, i));
            }
            for (int m = 0; m < n; m++) {
                d2[m] = Math.min(d2[m], di[m]);
            }
        }
        return x.index_select(0, Tensors.fromInts(picked)).clone();
    }

    private static double[] squaredDistances(Tensor x, Tensor c) {
        Tensor d = x.sub(c.unsqueeze(0)).pow(new Scalar(2)).sum(new long[] {1}, false, null);
        return Tensors.toDoubles(d);
    }

    /** Each sample's nearest centre by |c|^2 - 2 x.c (|x|^2 is the same for every centre). */
    private static int[] nearest(Tensor x, Tensor centres) {
        int n = (int) x.size(0);
        int[] a = new int[n];
        Tensor cc = centres.pow(new Scalar(2)).sum(new long[] {1}, false, null);
        Tensor ct = centres.t();
        for (int from = 0; from < n; from += CHUNK) {
            try (PointerScope inner = new PointerScope()) {
                int len = Math.min(CHUNK, n - from);
                Tensor score = torch.addmm(cc.unsqueeze(0), x.narrow(0, from, len), ct, new Scalar(1), new Scalar(-2));
                double[] best = Tensors.toDoubles(score.argmin(new org.bytedeco.pytorch.LongOptional(1), false));
                for (int i = 0; i < len; i++) {
                    a[from + i] = (int) best[i];
                }
            }
        }
        return a;
    }

    /** The mean of each cluster's samples; an empty cluster keeps its centre. */
    private static Tensor means(Tensor x, int[] a, Tensor old) {
        int k = (int) old.size(0);
        double[] count = new double[k];
        for (int c : a) {
            count[c]++;
        }
        Tensor sums = torch.zeros_like(old).index_add(0, Tensors.fromInts(a), x);
        Tensor result = old.clone();
        for (int j = 0; j < k; j++) {
            if (count[j] > 0) {
                result.select(0, j).copy_(sums.select(0, j).div(new Scalar(count[j])));
            }
        }
        return result;
    }
}
