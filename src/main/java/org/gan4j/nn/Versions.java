package org.gan4j.nn;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions recorded in every artefact, so a result can be traced to what produced it. */
public final class Versions {
    private Versions() {
    }

    public static String gan4j() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v != null ? v : pom("org.gan4j", "gan4j", "0.1.0-SNAPSHOT");
    }

    /** The JavaCPP presets' artifact version, e.g. 2.10.0-1.5.13 (libtorch 2.10.0). */
    public static String pytorchPresets() {
        return pom("org.bytedeco", "pytorch", "unknown-version");
    }

    public static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("gan4j", gan4j());
        m.put("pytorch_presets", pytorchPresets());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch"));
        m.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        return m;
    }

    private static String pom(String group, String artifact, String fallback) {
        String path = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Versions.class.getResourceAsStream(path)) {
            if (in == null) {
                return fallback;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", fallback);
        } catch (IOException e) {
            return fallback;
        }
    }
}
