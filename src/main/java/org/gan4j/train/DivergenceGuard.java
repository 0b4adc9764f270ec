package org.gan4j.train;

import java.util.Locale;
import java.util.Map;
import org.gan4j.config.ExperimentConfig;

/**
 * Reads each metrics row for signs that training blew up: a non-finite loss, term, logit mean
 * or gradient norm (bf16 overflow among them), a gradient norm above {@code max_grad_norm}, and
 * D winning outright (D(x) near 1 and D(G(z)) near 0) for {@code pinned_logs} rows in a row. The
 * trainer keeps the state of the last healthy row as a snapshot, rolls back to it when this says
 * no, and scales both learning rates by {@code lr_factor}; past {@code max_rollbacks} it stops.
 * Everything here is a function of the run's rows, so a resumed run rolls back where the
 * uninterrupted one did.
 */
public final class DivergenceGuard {
    /** How close to 0 or 1 D's mean probabilities must be to count as pinned. */
    static final double PINNED = 1e-3;

    /**
     * The guard's part of a checkpoint: rollbacks so far, the learning rates' scale, the step of
     * the snapshot, healthy-looking rows in a row with D pinned, and the snapshot's digest when
     * the checkpoint carries it (its step is older than the checkpoint's).
     */
    public record State(int rollbacks, double lrScale, long snapshotStep, int pinnedRun, String snapshotSha256) {
    }

    private final ExperimentConfig.Guard rules;
    private int rollbacks;
    private double lrScale = 1;
    private int pinnedRun;
    private byte[] snapshot;
    private long snapshotStep = -1;

    public DivergenceGuard(ExperimentConfig.Guard rules) {
        this.rules = rules;
    }

    /** Why {@code row} shows divergence, or null; {@code probabilities}: D's means are probabilities (logit games). */
    String check(Map<String, Object> row, boolean probabilities) {
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (e.getValue() instanceof Double v && !Double.isFinite(v)) {
                return e.getKey() + " is " + v;
            }
        }
        if (rules.maxGradNorm() > 0) {
            for (String k : new String[] {"grad_norm_d", "grad_norm_g"}) {
                if (row.get(k) instanceof Double v && v > rules.maxGradNorm()) {
                    return String.format(Locale.ROOT, "%s %.4g above train.guard.max_grad_norm %.4g", k, v, rules.maxGradNorm());
                }
            }
        }
        boolean pinned = probabilities && row.get("d_real") instanceof Double r && row.get("d_fake") instanceof Double f
                && r > 1 - PINNED && f < PINNED;
        pinnedRun = pinned ? pinnedRun + 1 : 0;
        if (rules.pinnedLogs() > 0 && pinnedRun >= rules.pinnedLogs()) {
            return String.format(Locale.ROOT, "D(x) %.4f and D(G(z)) %.4f pinned for %d rows", row.get("d_real"),
                    row.get("d_fake"), pinnedRun);
        }
        return null;
    }

    /** Whether the state after the last checked row is one to roll back to: not D pinned, where that rule is on. */
    boolean healthy() {
        return rules.pinnedLogs() == 0 || pinnedRun == 0;
    }

    void keep(long step, byte[] state) {
        snapshotStep = step;
        snapshot = state;
    }

    /** Counts a rollback and scales the learning rates; false once past max_rollbacks. */
    boolean rollBack() {
        rollbacks++;
        if (rollbacks > rules.maxRollbacks()) {
            return false;
        }
        lrScale *= rules.lrFactor();
        pinnedRun = 0;
        return true;
    }

    byte[] snapshot() {
        return snapshot;
    }

    long snapshotStep() {
        return snapshotStep;
    }

    public int rollbacks() {
        return rollbacks;
    }

    /** What both learning rates are multiplied by (1 until a rollback). */
    public double lrScale() {
        return lrScale;
    }

    public ExperimentConfig.Guard rules() {
        return rules;
    }

    /** The guard's state for a checkpoint at {@code step}; the snapshot travels with it where it is older. */
    State state(long step) {
        return new State(rollbacks, lrScale, snapshotStep, pinnedRun,
                snapshotStep != step && snapshot != null ? Checkpoint.sha256(snapshot) : null);
    }

    /** Takes a checkpoint's guard state; {@code snapshot} null: the checkpoint's own state is the snapshot. */
    void restore(State s, byte[] stateBytes, byte[] snapshotBytes, long step) {
        if (s != null) {
            rollbacks = s.rollbacks();
            lrScale = s.lrScale();
            pinnedRun = s.pinnedRun();
        }
        if (snapshotBytes != null) {
            keep(s.snapshotStep(), snapshotBytes);
        } else {
            keep(step, stateBytes);
        }
    }
}
