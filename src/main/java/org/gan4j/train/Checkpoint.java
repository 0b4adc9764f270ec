package org.gan4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
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
 * A self-describing training checkpoint: one libtorch archive holding a JSON header (format,
 * step, the full config, versions, the SHA-256 of the payload) and the payload, itself an
 * archive of G, D and both optimizers' state. Loading checks the digest first, so a damaged
 * file is named, never used. Randomness is derived from (seed, step), so the step (and the
 * divergence guard's state) is all the RNG state a resume needs. Written to a temporary file
 * and renamed, so a crash or a full disk never leaves a half-written checkpoint behind.
 */
public final class Checkpoint {
    /** 3: the payload in a record of its own, its SHA-256 in the header. 2: DCGAN generators without biases before batch norm (1 had them). */
    public static final int FORMAT = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a checkpoint says about itself; {@code guard} is null where no divergence guard ran. */
    public record Header(int format, long step, String configYaml, Map<String, String> versions,
                         String created, Map<String, String> savedSettings, String sha256, DivergenceGuard.State guard) {
        /** Whether the run came from a config (API runs may have none). */
        public boolean hasConfig() {
            return configYaml != null && !configYaml.isEmpty();
        }

        /** The settings the run was trained with: as saved, or for older checkpoints from their config. */
        Map<String, String> settings(Path where) {
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

    /** A checkpoint read and verified: its header, its payload, and the guard's snapshot where one was saved. */
    public record Opened(Path file, Header header, InputArchive payload, byte[] snapshot) {
    }

    private Checkpoint() {
    }

    static {
        Natives.load(); // before this class's first libtorch call: see Natives
    }

    /** Saves a run's state; {@code gEma} may be null (no EMA copy). */
    public static void save(Path file, long step, ExperimentConfig config, Generator g,
                            Discriminator d, Optim optG, Optim optD, Generator gEma) {
        save(file, step, config, config == null ? null : Settings.of(config), payload(g, d, optG, optD, gEma), null, null);
    }

    /**
     * Saves a run's state ({@link #payload}) with the settings a resume compares ({@code config}
     * may be null: API runs) and the divergence guard's state and snapshot (both may be null).
     */
    static void save(Path file, long step, ExperimentConfig config, Map<String, String> settings, byte[] payload,
                     DivergenceGuard.State guard, byte[] snapshot) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format", FORMAT);
        header.put("step", step);
        header.put("config_yaml", config == null ? "" : ConfigLoader.toYaml(config));
        if (settings != null) {
            header.put("settings", settings);
        }
        header.put("versions", Versions.all());
        header.put("created", Instant.now().toString());
        header.put("payload_sha256", sha256(payload));
        header.put("payload_bytes", payload.length);
        if (guard != null) {
            Map<String, Object> gs = new LinkedHashMap<>();
            gs.put("rollbacks", guard.rollbacks());
            gs.put("lr_scale", guard.lrScale());
            gs.put("snapshot_step", guard.snapshotStep());
            gs.put("pinned_run", guard.pinnedRun());
            if (snapshot != null) {
                gs.put("snapshot_sha256", sha256(snapshot));
            }
            header.put("guard", gs);
        }
        try (PointerScope scope = new PointerScope()) {
            OutputArchive root = new OutputArchive();
            byte[] hb;
            try {
                hb = JSON.writeValueAsBytes(header);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            root.write("header", bytes(hb));
            root.write("header_sha256", bytes(sha256(hb).getBytes(StandardCharsets.US_ASCII)));
            root.write("payload", bytes(payload));
            if (snapshot != null) {
                root.write("snapshot", bytes(snapshot));
            }
            // read back before it takes the real name: a write that failed unnoticed never replaces a good file
            Archives.saveAtomically(root, file, Checkpoint::open);
        }
    }

    /** G, D, the EMA copy and both optimizers' state as one archive's bytes; any but G may be null. */
    static byte[] payload(Generator g, Discriminator d, Optim optG, Optim optD, Generator gEma) {
        OutputArchive root = new OutputArchive();
        root.write("G", module(g));
        if (d != null) {
            root.write("D", module(d));
        }
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
        return Archives.toBytes(root);
    }

    /** Reads the header only (the payload's digest unchecked: see {@link #open}). */
    public static Header header(Path file) {
        return header(file, archive(file));
    }

    /** Reads and verifies a checkpoint: a damaged one ends in a {@link DataException} naming the file and its step. */
    public static Opened open(Path file) {
        InputArchive root = archive(file);
        Header h = header(file, root);
        if (h.format() < 3) {
            return new Opened(file, h, root, null);
        }
        byte[] payload = verified(file, h, root, "payload", h.sha256());
        byte[] snapshot = null;
        if (h.guard() != null && h.guard().snapshotSha256() != null) {
            snapshot = verified(file, h, root, "snapshot", h.guard().snapshotSha256());
        }
        return new Opened(file, h, fromBytes(file, payload), snapshot);
    }

    /**
     * Loads the generator to sample from: the EMA copy where the checkpoint has one
     * (unless {@code raw}), else G.
     */
    public static Header loadSampler(Path file, Generator g, boolean raw) {
        Opened o = open(file);
        InputArchive a = new InputArchive();
        if (raw || !o.payload().try_read("G_ema", a)) {
            o.payload().read("G", a);
        }
        g.load(a);
        return o.header();
    }

    /** Loads weights (and optimizer state where given) into already-built modules. */
    public static Header load(Path file, Generator g, Discriminator d, Optim optG, Optim optD,
                              Generator gEma) {
        Opened o = open(file);
        restore(o.payload(), g, d, optG, optD, gEma);
        return o.header();
    }

    /** Loads a payload's parts into already-built modules; any but G may be null (not loaded). */
    static void restore(InputArchive root, Generator g, Discriminator d, Optim optG, Optim optD, Generator gEma) {
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
    }

    /** A payload's bytes as an archive to read from. */
    static InputArchive fromBytes(Path where, byte[] payload) {
        InputArchive a = new InputArchive();
        try (BytePointer p = new BytePointer(payload)) {
            a.load_from(p, payload.length, cpuUnlessCuda());
        } catch (RuntimeException e) {
            throw new DataException(where + ": damaged checkpoint payload (" + firstLine(e.getMessage()) + ")");
        }
        return a;
    }

    private static byte[] verified(Path file, Header h, InputArchive root, String record, String want) {
        Tensor t = new Tensor();
        if (!root.try_read(record, t)) {
            throw new DataException(file + ": damaged checkpoint, its " + record + " is missing (written at step " + h.step() + ")");
        }
        byte[] b = new byte[Math.toIntExact(t.numel())];
        t.data_ptr_byte().get(b);
        if (want == null || !want.equals(sha256(b))) {
            throw new DataException(file + ": checksum mismatch, written at step " + h.step());
        }
        return b;
    }

    private static InputArchive archive(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such checkpoint file");
        }
        InputArchive root = new InputArchive();
        try {
            root.load_from(file.toString(), cpuUnlessCuda());
        } catch (RuntimeException e) {
            throw new DataException(file + ": not a readable gan4j checkpoint (" + firstLine(e.getMessage()) + ")");
        }
        return root;
    }

    /** Where there is no GPU, tensors of a checkpoint written on one still load, onto the CPU. */
    private static DeviceOptional cpuUnlessCuda() {
        return torch.cuda_is_available() ? new DeviceOptional() : new DeviceOptional(new Device(torch.DeviceType.CPU));
    }

    private static Header header(Path file, InputArchive root) {
        Tensor t = new Tensor();
        if (!root.try_read("header", t)) {
            throw new DataException(file + ": not a gan4j checkpoint (no header)");
        }
        byte[] b = new byte[(int) t.numel()];
        t.data_ptr_byte().get(b);
        Tensor d = new Tensor();
        boolean digested = root.try_read("header_sha256", d);
        if (digested) {
            byte[] want = new byte[(int) d.numel()];
            d.data_ptr_byte().get(want);
            if (!sha256(b).equals(new String(want, StandardCharsets.US_ASCII))) {
                throw new DataException(file + ": checksum mismatch in its header");
            }
        }
        try {
            Map<?, ?> m = JSON.readValue(new String(b, StandardCharsets.UTF_8), Map.class);
            int format = ((Number) m.get("format")).intValue();
            if (format >= 3 && !digested) {
                throw new DataException(file + ": damaged checkpoint, its header's checksum is missing");
            }
            if (format < 1 || format > FORMAT) {
                throw new DataException(file + ": checkpoint format " + format
                        + " is not supported (this gan4j reads formats 1 to " + FORMAT + ")");
            }
            @SuppressWarnings("unchecked")
            Map<String, String> versions = (Map<String, String>) m.get("versions");
            @SuppressWarnings("unchecked")
            Map<String, String> settings = (Map<String, String>) m.get("settings");
            DivergenceGuard.State guard = null;
            if (m.get("guard") instanceof Map<?, ?> gs) {
                guard = new DivergenceGuard.State(((Number) gs.get("rollbacks")).intValue(),
                        ((Number) gs.get("lr_scale")).doubleValue(), ((Number) gs.get("snapshot_step")).longValue(),
                        ((Number) gs.get("pinned_run")).intValue(), (String) gs.get("snapshot_sha256"));
            }
            return new Header(format, ((Number) m.get("step")).longValue(), (String) m.get("config_yaml"),
                    versions, (String) m.get("created"), settings, (String) m.get("payload_sha256"), guard);
        } catch (IOException | ClassCastException | NullPointerException e) {
            throw new DataException(file + ": checkpoint header is corrupt");
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
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
