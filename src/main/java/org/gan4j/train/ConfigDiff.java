package org.gan4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.gan4j.config.ExperimentConfig;

/** Lists the dotted keys whose values differ between two configs. */
public final class ConfigDiff {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    private ConfigDiff() {
    }

    public static List<String> changed(ExperimentConfig a, ExperimentConfig b) {
        List<String> out = new ArrayList<>();
        walk(JSON.valueToTree(a), JSON.valueToTree(b), "", out);
        return out;
    }

    private static void walk(JsonNode a, JsonNode b, String prefix, List<String> out) {
        if (a.isObject() && b.isObject()) {
            Iterator<String> names = a.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                walk(a.get(n), b.path(n), prefix + n + ".", out);
            }
        } else if (!a.equals(b)) {
            out.add(prefix.substring(0, prefix.length() - 1));
        }
    }
}
