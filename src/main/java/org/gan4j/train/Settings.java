package org.gan4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;

/**
 * What a run was trained with, as dotted keys and values: a config's every key, or a trainer's
 * own description where it was built without one. A resume compares them (mimicry's rule: a run
 * continues only with the hyperparameters it started with); the step count may grow.
 */
final class Settings {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
    /** Keys a resume may change: the step count (a run may be extended) and the switch to the same maths by another path. */
    private static final List<String> FREE = List.of("train.steps", "train.fast_paths");

    private Settings() {
    }

    static Map<String, String> of(ExperimentConfig c) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten(JSON.valueToTree(c), "", out);
        return out;
    }

    static Map<String, String> of(Trainer.Builder b) {
        return b.describe();
    }

    /**
     * Keys whose values differ (or that only one side has), except those a resume may change. A
     * key newer than the saved run counts as saved at its default (what the run trained with).
     */
    static List<String> changed(Map<String, String> saved, Map<String, String> now) {
        List<String> out = new ArrayList<>();
        for (String k : new TreeSet<>(union(saved, now))) {
            String was = saved.containsKey(k) ? saved.get(k) : Defaults.VALUES.get(k);
            if (!FREE.contains(k) && !Objects.equals(was, now.get(k))) {
                out.add(k);
            }
        }
        return out;
    }

    /** Every key's default, made on first need: a config's (defaults.yaml), and an API trainer's guard. */
    private static final class Defaults {
        static final Map<String, String> VALUES = new LinkedHashMap<>(of(ConfigLoader.defaults()));

        static {
            ExperimentConfig.Guard g = Trainer.DEFAULT_GUARD;
            VALUES.put("guard.enabled", Boolean.toString(g.enabled()));
            VALUES.put("guard.lr_factor", Double.toString(g.lrFactor()));
            VALUES.put("guard.max_rollbacks", Integer.toString(g.maxRollbacks()));
            VALUES.put("guard.pinned_logs", Integer.toString(g.pinnedLogs()));
            VALUES.put("guard.max_grad_norm", Double.toString(g.maxGradNorm()));
        }
    }

    private static Set<String> union(Map<String, String> a, Map<String, String> b) {
        Set<String> s = new LinkedHashSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    private static void flatten(JsonNode n, String prefix, Map<String, String> out) {
        if (n.isObject()) {
            Iterator<String> names = n.fieldNames();
            while (names.hasNext()) {
                String k = names.next();
                flatten(n.get(k), prefix + k + ".", out);
            }
        } else {
            out.put(prefix.substring(0, prefix.length() - 1), n.isTextual() ? n.asText() : n.toString());
        }
    }
}
