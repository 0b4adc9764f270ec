package org.gan4j.train;

import org.gan4j.nn.NativeMemory;

/**
 * Native memory housekeeping. glibc keeps pages freed by the step's many short-lived tensors and,
 * left alone, lets resident memory creep up (~4% over 1,000 DCGAN steps). A trim after every 50
 * steps kept it flat but cost ~4% of the run: the step after each trim faults the freed pages
 * back in. So memory is checked every {@value #CHECK_EVERY} steps and trimmed only when it has
 * grown by more than {@value #GROWTH} of what it was.
 */
public final class MemoryListener implements TrainingListener {
    static final int CHECK_EVERY = 50;
    static final double GROWTH = 0.01;
    private final NativeMemory.Trimmer trimmer = new NativeMemory.Trimmer(GROWTH);

    @Override
    public void onStep(Trainer t) {
        if (t.step() % CHECK_EVERY == 0) {
            trimmer.check();
        }
    }

    /** Trims made so far. */
    public int trims() {
        return trimmer.trims();
    }
}
