package org.gan4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gan4j.config.UserError;
import org.gan4j.nn.Archives;

/** metrics.jsonl: one JSON object per logged step, flushed as written. */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Path file;

    /**
     * Opens the log; rows past {@code keepUpToStep} (written by a run that stopped before its
     * next checkpoint) are dropped, since the resumed run writes them again.
     */
    public MetricsLog(Path file, long keepUpToStep) {
        try {
            if (Files.exists(file)) {
                List<String> kept = new ArrayList<>();
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    Map<String, Object> row;
                    try {
                        row = JSON.readValue(line, LinkedHashMap.class);
                    } catch (IOException e) {
                        continue; // a line cut short by a kill
                    }
                    Object step = row.get("step");
                    if (step instanceof Number n && n.longValue() <= keepUpToStep) {
                        kept.add(line);
                        rows.add(row);
                    }
                }
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.write(tmp, kept, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UserError(file + ": cannot be written (" + Archives.reason(e, file) + ")");
        }
        this.file = file;
    }

    public void write(Map<String, Object> row) {
        rows.add(row);
        try {
            out.write(JSON.writeValueAsString(row));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UserError(file + ": cannot be written (" + Archives.reason(e, file) + ")");
        }
    }

    /** Every row of the run so far, the resumed part included. */
    public List<Map<String, Object>> rows() {
        return rows;
    }

    /** The numeric series of one key across rows, with the steps where it appears. */
    public static List<Double> series(List<Map<String, Object>> rows, String key) {
        List<Double> v = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            if (r.get(key) instanceof Number n) {
                v.add(n.doubleValue());
            }
        }
        return v;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UserError(file + ": cannot be written (" + Archives.reason(e, file) + ")");
        }
    }
}
