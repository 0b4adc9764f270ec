package org.gan4j.nn;

/**
 * Counts multiply-accumulates of Linear and convolution layers while a forward pass runs
 * inside {@link #count(Runnable)}; used by benchmarks to turn step time into FLOP/s.
 */
public final class FlopCounter {
    private static volatile boolean active;
    private static long macs;

    private FlopCounter() {
    }

    static boolean active() {
        return active;
    }

    static synchronized void addMacs(long n) {
        macs += n;
    }

    /** Runs {@code pass} and returns its forward FLOPs (2 per multiply-accumulate). */
    public static synchronized long count(Runnable pass) {
        macs = 0;
        active = true;
        try {
            pass.run();
        } finally {
            active = false;
        }
        return 2 * macs;
    }
}
