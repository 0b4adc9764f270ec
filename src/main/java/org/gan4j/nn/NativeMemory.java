package org.gan4j.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * The malloc this process runs on: "tcmalloc", "jemalloc" or "mimalloc" where one is mapped
     * into it (the launcher preloads tcmalloc where installed), "glibc" where /proc lists none,
     * "unknown" where /proc/self/maps cannot be read.
     */
    public static String allocator() {
        try {
            return allocatorOf(Files.readAllLines(Path.of("/proc/self/maps")));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** {@link #allocator()} from the lines of a /proc/PID/maps. */
    static String allocatorOf(List<String> maps) {
        for (String line : maps) {
            String file = line.substring(line.lastIndexOf('/') + 1);
            for (String name : new String[] {"tcmalloc", "jemalloc", "mimalloc"}) {
                if (file.startsWith("lib" + name)) {
                    return name;
                }
            }
        }
        return "glibc";
    }

    /** Resident memory of the whole process, in bytes (0 where the OS does not say). */
    public static long resident() {
        return Pointer.physicalBytes();
    }

    /**
     * Trims only when resident memory has grown past a reference by more than a share: each
     * trim hands back the pages of the step's freed tensors, and the next step faults them all
     * in again (DCGAN-28 on 2 vCPUs: +183 ms that step, ~4% of the run when trimmed every 50
     * steps; seen here), while glibc's creep without trims is ~1% per hundred steps.
     */
    public static final class Trimmer {
        private final double growth;
        private final java.util.function.LongSupplier resident;
        private final Runnable trim;
        private long reference;
        private int trims;

        /** {@code growth}: the share (0.01 = 1%) resident memory may grow before a trim. */
        public Trimmer(double growth) {
            this(growth, NativeMemory::resident, NativeMemory::trim);
        }

        Trimmer(double growth, java.util.function.LongSupplier resident, Runnable trim) {
            this.growth = growth;
            this.resident = resident;
            this.trim = trim;
        }

        /**
         * Called at intervals: the first call after a trim (or ever) takes the reference, once
         * the working set is back; later ones trim when memory has outgrown it.
         */
        public void check() {
            long now = resident.getAsLong();
            if (now <= 0) {
                return;
            }
            if (reference == 0) {
                reference = now;
            } else if (now > reference * (1 + growth)) {
                trim.run();
                trims++;
                reference = 0;
            }
        }

        /** Trims made so far. */
        public int trims() {
            return trims;
        }
    }
}
