package org.gan4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.gan4j.config.UserError;

/** The layout of one run's directory (see ARCHITECTURE.md). */
public record RunDir(Path root) {
    public Path config() {
        return root.resolve("config.yaml");
    }

    public Path metrics() {
        return root.resolve("metrics.jsonl");
    }

    public Path samples() {
        return root.resolve("samples");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path latest() {
        return checkpoints().resolve("latest.pt");
    }

    /** The checkpoint of one step, kept beside latest.pt (log.keep_checkpoints of them). */
    public Path checkpoint(long step) {
        return checkpoints().resolve(String.format(Locale.ROOT, "step-%08d.pt", step));
    }

    /** latest.pt, then the step files, newest first: where a resume looks, in order. */
    public List<Path> resumeCandidates() {
        List<Path> out = new ArrayList<>();
        if (Files.isRegularFile(latest())) {
            out.add(latest());
        }
        List<Path> steps = new ArrayList<>(stepCheckpoints());
        Collections.reverse(steps);
        out.addAll(steps);
        return out;
    }

    /** The step files, oldest first. */
    public List<Path> stepCheckpoints() {
        if (!Files.isDirectory(checkpoints())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(checkpoints())) {
            return s.filter(p -> STEP_FILE.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(RunDir::stepOf)).toList();
        } catch (IOException e) {
            throw new UserError(checkpoints() + ": cannot list (" + e.getMessage() + ")");
        }
    }

    private static final Pattern STEP_FILE = Pattern.compile("step-(\\d{8,})\\.pt");

    /** The step a step file is named after. */
    static long stepOf(Path stepFile) {
        Matcher m = STEP_FILE.matcher(stepFile.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The checkpoint with the lowest FID so far (runs with eval.every > 0). */
    public Path best() {
        return checkpoints().resolve("best.pt");
    }

    public Path plots() {
        return root.resolve("plots");
    }

    /** True when the directory exists and holds anything. */
    public boolean inUse() {
        if (!Files.isDirectory(root)) {
            return Files.exists(root);
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    /** Creates the directories, or fails naming the one that cannot be written. */
    public void create() {
        for (Path p : new Path[] {root, samples(), checkpoints(), plots()}) {
            try {
                Files.createDirectories(p);
            } catch (IOException e) {
                String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                        ? f.getReason() : e instanceof java.nio.file.FileAlreadyExistsException
                        ? "a file of that name exists" : e.getClass().getSimpleName();
                throw new UserError(p + ": cannot create output directory (" + why + ")");
            }
            if (!Files.isWritable(p)) {
                throw new UserError(p + ": output directory is not writable");
            }
        }
    }

    /** A fresh directory for a new run: {@code base}, or base-2, base-3, ... if taken. */
    public static RunDir fresh(Path base) {
        Path p = base;
        for (int i = 2; new RunDir(p).inUse(); i++) {
            p = base.resolveSibling(base.getFileName() + "-" + i);
        }
        return new RunDir(p);
    }
}
