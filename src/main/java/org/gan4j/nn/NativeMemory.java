package org.gan4j.nn;

import org.bytedeco.javacpp.Pointer;

/** Resident-memory housekeeping for the native side. */
public final class NativeMemory {
    private NativeMemory() {
    }

    /**
     * Returns freed native heap pages to the OS (glibc's malloc_trim). Setup (data loading,
     * model init, sgemm probes) leaves ~100 MB of free-but-held pages that training never reuses.
     */
    public static void trim() {
        Pointer.trimMemory();
    }
}
