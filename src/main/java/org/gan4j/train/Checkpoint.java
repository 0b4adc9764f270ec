package org.gan4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.data.DataException;
import org.gan4j.models.Discriminator;
import org.gan4j.models.Generator;
import org.gan4j.nn.Archives;
import org.gan4j.nn.Natives;
import org.gan4j.nn.Optim;
import org.gan4j.nn.Versions;

/**
 * A self-describing training checkpoint: one libtorch archive holding G, D, both optimizers'
 * state and a JSON header (format, step, the full config, versions). Randomness is derived from
 * (seed, step), so the step is all the RNG state a resume needs. Written to a temporary file
 * and renamed, so a crash never leaves a half-written checkpoint behind.
 */
public final class Checkpoint {
    /** 2: DCGAN generators without biases before batch norm (format 1 had them). */
    public static final int FORMAT = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a checkpoint says about itself. */
    public record Header(int format, long step, String configYaml, Map<String, String> versions,
                         String created, Map<String, String> savedSettings) {
        /** Whether the run came from a config (API runs may have none). */
        public boolean hasConfig() {
            return configYaml != null && !configYaml.isEmpty();
        }

        /** The settings the run was trained with: as saved, or for older checkpoints from their config. */
        Map<String, String> settings(java.nio.file.Path where) {
            if (savedSettings != null) {
                return savedSettings;
            }
            return hasConfig() ? Settings.of(config(where.toString())) : Map.of();
        }

        public ExperimentConfig config(String where) {
            if (!hasConfig()) {
                throw new DataException(where + ": this checkpoint holds no gan4j config (trained through the Java API)");
            }
            // format 1 predates model.g_bn_bias: its generators carry those biases
            return ConfigLoader.fromYaml(where, configYaml, format == 1 ? List.of("model.g_bn_bias=true") : List.of());
        }
    }

    private Checkpoint() {
    }

    static {
        Natives.load(); // before this class's first libtorch call: see Natives
    }

    /** Saves a run's state; {@code gEma} may be null (no EMA copy). */
    public static void save(Path file, long step, ExperimentConfig config, Generator g,
                            Discriminator d, Optim optG, Optim optD, Generator gEma) {
        save(file, step, config, config == null ? null : Settings.of(config), g, d, optG, optD, gEma);
    }

    /** Saves a run's state with the settings a resume compares; {@code config} may be null (API runs). */
    public static void save(Path file, long step, ExperimentConfig config, Map<String, String> settings, Generator g,
                            Discriminator d, Optim optG, Optim optD, Generator gEma) {
        OutputArchive root = new OutputArchive();
        root.write("G", module(g));
        root.write("D", module(d));
        if (gEma != null) {
            root.write("G_ema", module(gEma));
        }
        if (optG != null) {
            OutputArchive o = new OutputArchive();
            optG.save(o);
            root.write("opt_g", o);
        }
        if (optD != null) {
            OutputArchive o = new OutputArchive();
            optD.save(o);
            root.write("opt_d", o);
        }
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format", FORMAT);
        header.put("step", step);
        header.put("config_yaml", config == null ? "" : ConfigLoader.toYaml(config));
        if (settings != null) {
            header.put("settings", settings);
        }
        header.put("versions", Versions.all());
        header.put("created", Instant.now().toString());
        try {
            root.write("header", bytes(JSON.writeValueAsBytes(header)));
            Archives.saveAtomically(root, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the header only. */
    public static Header header(Path file) {
        return header(file, open(file));
    }

    /**
     * Loads the generator to sample from: the EMA copy where the checkpoint has one
     * (unless {@code raw}), else G.
     */
    public static Header loadSampler(Path file, Generator g, boolean raw) {
        InputArchive root = open(file);
        Header h = header(file, root);
        InputArchive a = new InputArchive();
        if (raw || !root.try_read("G_ema", a)) {
            root.read("G", a);
        }
        g.load(a);
        return h;
    }

    /** Loads weights (and optimizer state where given) into already-built modules. */
    public static Header load(Path file, Generator g, Discriminator d, Optim optG, Optim optD,
                              Generator gEma) {
        InputArchive root = open(file);
        Header h = header(file, root);
        if (gEma != null) {
            InputArchive e = new InputArchive();
            root.read("G_ema", e);
            gEma.load(e);
        }
        InputArchive a = new InputArchive();
        root.read("G", a);
        g.load(a);
        if (d != null) {
            InputArchive b = new InputArchive();
            root.read("D", b);
            d.load(b);
        }
        if (optG != null) {
            InputArchive o = new InputArchive();
            root.read("opt_g", o);
            optG.load(o);
        }
        if (optD != null) {
            InputArchive o = new InputArchive();
            root.read("opt_d", o);
            optD.load(o);
        }
        return h;
    }

    private static InputArchive open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such checkpoint file");
        }
        InputArchive root = new InputArchive();
        try {
            if (org.bytedeco.pytorch.global.torch.cuda_is_available()) {
                root.load_from(file.toString());
            } else {
                // a checkpoint written on a GPU still loads where there is none
                root.load_from(file.toString(), new org.bytedeco.pytorch.DeviceOptional(
                        new org.bytedeco.pytorch.Device(org.bytedeco.pytorch.global.torch.DeviceType.CPU)));
            }
        } catch (RuntimeException e) {
            throw new DataException(file + ": not a gan4j checkpoint (" + firstLine(e.getMessage()) + ")");
        }
        return root;
    }

    private static Header header(Path file, InputArchive root) {
        Tensor t = new Tensor();
        if (!root.try_read("header", t)) {
            throw new DataException(file + ": not a gan4j checkpoint (no header)");
        }
        byte[] b = new byte[(int) t.numel()];
        t.data_ptr_byte().get(b);
        try {
            Map<?, ?> m = JSON.readValue(new String(b, StandardCharsets.UTF_8), Map.class);
            int format = ((Number) m.get("format")).intValue();
            if (format < 1 || format > FORMAT) {
                throw new DataException(file + ": checkpoint format " + format
                        + " is not supported (this gan4j reads formats 1 to " + FORMAT + ")");
            }
            @SuppressWarnings("unchecked")
            Map<String, String> versions = (Map<String, String>) m.get("versions");
            @SuppressWarnings("unchecked")
            Map<String, String> settings = (Map<String, String>) m.get("settings");
            return new Header(format, ((Number) m.get("step")).longValue(), (String) m.get("config_yaml"),
                    versions, (String) m.get("created"), settings);
        } catch (IOException | ClassCastException | NullPointerException e) {
            throw new DataException(file + ": checkpoint header is corrupt");
        }
    }

    private static OutputArchive module(org.bytedeco.pytorch.Module m) {
        OutputArchive a = new OutputArchive();
        m.save(a);
        return a;
    }

    private static Tensor bytes(byte[] b) {
        Tensor t = torch.empty(b.length).toType(torch.ScalarType.Byte);
        t.data_ptr_byte().put(b);
        return t;
    }

    private static String firstLine(String s) {
        return s == null ? "unreadable" : s.lines().findFirst().orElse("unreadable");
    }
}
