package org.gan4j.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads an experiment from YAML: the user's file is merged over {@code defaults.yaml}, then
 * {@code --set key=value} overrides, then the result is bound to records and validated.
 * Unknown keys, wrong types and invalid values fail with the file, field and value named.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ConfigLoader() {
    }

    /** The defaults alone, as a config. */
    public static ExperimentConfig defaults() {
        return bind("defaults", defaultsTree());
    }

    public static ExperimentConfig load(Path file, List<String> overrides) {
        String where = file.toString();
        JsonNode user;
        try {
            user = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(where + ": no such config file");
        } catch (JsonProcessingException e) {
            String loc = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigException(where + ": not valid YAML" + loc + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot read (" + e.getMessage() + ")");
        }
        if (user != null && !user.isMissingNode() && !user.isNull() && !user.isObject()) {
            throw new ConfigException(where + ": expected a mapping of keys, found "
                    + user.getNodeType().toString().toLowerCase());
        }
        return fromTree(where, (ObjectNode) (user == null || !user.isObject()
                ? YAML.createObjectNode() : user), overrides);
    }

    /** Parses a YAML string (a checkpoint's or a run's stored config). */
    public static ExperimentConfig parse(String where, String yaml) {
        return fromYaml(where, yaml, List.of());
    }

    /** Parses a YAML string and applies overrides. */
    public static ExperimentConfig fromYaml(String where, String yaml, List<String> overrides) {
        try {
            JsonNode tree = YAML.readTree(yaml);
            return fromTree(where, (ObjectNode) tree, overrides);
        } catch (JsonProcessingException e) {
            throw new ConfigException(where + ": not valid YAML: " + e.getOriginalMessage());
        }
    }

    static ExperimentConfig fromTree(String where, ObjectNode user, List<String> overrides) {
        ObjectNode merged = defaultsTree();
        try {
            merge(merged, user, "");
            for (String o : overrides) {
                set(merged, o);
            }
            noNulls(merged, defaultsTree(), "");
        } catch (ConfigException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
        return bind(where, merged);
    }

    public static String toYaml(ExperimentConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ExperimentConfig bind(String where, ObjectNode tree) {
        ExperimentConfig config;
        try {
            config = YAML.treeToValue(tree, ExperimentConfig.class);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException ce) {
                throw new ConfigException(where + ": " + ce.getMessage());
            }
            String path = e.getPath().stream().map(r -> r.getFieldName() == null
                    ? "[" + r.getIndex() + "]" : r.getFieldName()).collect(Collectors.joining("."));
            String msg = e.getOriginalMessage().lines().findFirst().orElse("");
            throw new ConfigException(where + ": " + path + ": " + msg);
        } catch (JsonProcessingException e) {
            throw new ConfigException(where + ": " + e.getOriginalMessage());
        }
        try {
            config.validate();
        } catch (ConfigException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
        return config;
    }

    private static ObjectNode defaultsTree() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies user values over defaults; a key the defaults lack is a typo, named in full. */
    private static void merge(ObjectNode base, JsonNode user, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> it = user.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode existing = base.get(e.getKey());
            if (existing == null) {
                throw new ConfigException(key + ": unknown key");
            }
            if (existing.isObject()) {
                if (!e.getValue().isObject()) {
                    throw new ConfigException(key + ": expected a mapping, got '" + e.getValue().asText() + "'");
                }
                merge((ObjectNode) existing, e.getValue(), key + ".");
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }

    /** A key set to null (or ~, or nothing) whose default has a value is named: only nullable keys default to null. */
    private static void noNulls(JsonNode merged, JsonNode defaults, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> it = defaults.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> d = it.next();
            JsonNode v = merged.get(d.getKey());
            String key = prefix + d.getKey();
            if (d.getValue().isObject()) {
                noNulls(v, d.getValue(), key + ".");
            } else if ((v == null || v.isNull()) && !d.getValue().isNull()) {
                throw new ConfigException(key + ": needs a value (the default is " + d.getValue() + "), got none");
            }
        }
    }

    /** Applies one {@code a.b.c=value}; the value is read as YAML, so numbers stay numbers. */
    private static void set(ObjectNode root, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--set '" + assignment + "': expected key=value");
        }
        String key = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1).trim();
        JsonNode value;
        try {
            value = raw.isEmpty() ? YAML.nullNode() : YAML.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new ConfigException("--set " + key + ": cannot read value '" + raw + "'");
        }
        String[] parts = key.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = node.get(parts[i]);
            if (next == null || !next.isObject()) {
                throw new ConfigException("--set " + key + ": unknown key");
            }
            node = (ObjectNode) next;
        }
        String last = parts[parts.length - 1];
        if (!node.has(last)) {
            throw new ConfigException("--set " + key + ": unknown key");
        }
        if (node.get(last).isObject()) {
            if (value == null || !value.isObject()) {
                throw new ConfigException("--set " + key + ": expected a mapping");
            }
            merge((ObjectNode) node.get(last), value, key + ".");
        } else {
            node.set(last, value == null || value.isMissingNode() ? YAML.nullNode() : value);
        }
    }
}
