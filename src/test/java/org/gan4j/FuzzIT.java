package org.gan4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.gan4j.cli.Main;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.UserError;
import org.gan4j.data.Cifar10;
import org.gan4j.data.ImageDatasets;
import org.gan4j.data.ImageFolder;
import org.gan4j.train.Checkpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer over every reader a user's files reach: IDX (raw and gzip), CIFAR-10
 * binary, image folders (PNG, JPEG, BMP, GIF), YAML configs, checkpoints, and the command line's
 * arguments. Each input is a valid seed with 1 to 4 mutations (bit flips, interesting bytes and
 * ints, cuts, insertions, repeats; values and option names for the command line). Every input
 * must end in success or a {@link UserError} (the command line: exit 0 or 2 with one line), within
 * 5 s, and the command line must write nothing outside its directory. Inputs per reader:
 * {@code -Dgan4j.fuzz.inputs} (default 400; the closing figures ran 10,000).
 */
class FuzzIT {
    private static final int INPUTS = Integer.getInteger("gan4j.fuzz.inputs", 400);
    private static final long SEED = Long.getLong("gan4j.fuzz.seed", 35);
    private static final int[] INTERESTING = {0, -1, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0x10000, 60000, 0x0fffffff};
    private static final Map<String, String> REPORT = new TreeMap<>();
    private static final PrintStream CONSOLE = System.out;

    @TempDir
    static Path tmp;
    private static ExecutorService runner;

    @BeforeAll
    static void start() {
        runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void report() {
        runner.shutdownNow();
        System.out.println("| reader | inputs | accepted | refused in one line | failures | hangs |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        REPORT.values().forEach(System.out::println);
    }

    /** What one reader made of its inputs: counts, and each distinct failure with one input that caused it. */
    static final class Tally {
        final String reader;
        int inputs;
        int accepted;
        int refused;
        int hangs;
        final Map<String, String> failures = new LinkedHashMap<>();

        Tally(String reader) {
            this.reader = reader;
        }

        void done() {
            REPORT.put(reader, String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d |", reader, inputs, accepted, refused,
                    failures.size(), hangs));
            assertThat(failures).as(reader + ": distinct failures (kind -> input)").isEmpty();
            assertThat(hangs).as(reader + ": inputs past 5 s").isZero();
            assertThat(accepted + refused).isEqualTo(inputs);
        }
    }

    interface Reader {
        void read() throws Exception;
    }

    /** Runs one input under the 5 s bound; a UserError is a refusal, anything else a failure. */
    private static void attempt(Tally t, String input, Reader r) throws InterruptedException {
        t.inputs++;
        Future<?> f = runner.submit(() -> {
            r.read();
            return null;
        });
        try {
            f.get(5, TimeUnit.SECONDS);
            t.accepted++;
        } catch (TimeoutException e) {
            f.cancel(true);
            t.hangs++;
            t.failures.putIfAbsent("hang", input);
            runner.shutdownNow();
            start();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UserError u && u.getMessage() != null && !u.getMessage().contains("\n")) {
                t.refused++;
                if (Boolean.getBoolean("gan4j.fuzz.verbose") && t.refused % 20 == 1) {
                    CONSOLE.println(t.reader + ": " + input + " -> " + u.getMessage());
                }
            } else {
                StackTraceElement top = c.getStackTrace().length > 0 ? c.getStackTrace()[0] : null;
                t.failures.putIfAbsent(c.getClass().getName() + " at " + top, input + ": " + c.getMessage());
            }
        }
    }

    /** 1 to 4 byte-level mutations of {@code seed}. */
    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            int len = b.length;
            int at = len == 0 ? 0 : rnd.nextInt(len);
            switch (rnd.nextInt(7)) {
                case 0 -> {
                    if (len > 0) {
                        b[at] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> {
                    if (len > 0) {
                        b[at] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
                    }
                }
                case 2 -> {
                    int v = INTERESTING[rnd.nextInt(INTERESTING.length)];
                    for (int i = 0; i < 4 && at + i < len; i++) {
                        b[at + i] = (byte) (v >>> (24 - 8 * i)); // big-endian, as IDX and PNG store ints
                    }
                }
                case 3 -> b = Arrays.copyOf(b, at); // truncate
                case 4 -> { // cut a range
                    int cut = Math.min(len - at, 1 + rnd.nextInt(64));
                    byte[] o = new byte[len - cut];
                    System.arraycopy(b, 0, o, 0, at);
                    System.arraycopy(b, at + cut, o, at, len - at - cut);
                    b = o;
                }
                case 5 -> { // insert random bytes
                    byte[] ins = new byte[1 + rnd.nextInt(32)];
                    rnd.nextBytes(ins);
                    byte[] o = new byte[len + ins.length];
                    System.arraycopy(b, 0, o, 0, at);
                    System.arraycopy(ins, 0, o, at, ins.length);
                    System.arraycopy(b, at, o, at + ins.length, len - at);
                    b = o;
                }
                default -> { // repeat a range
                    int rep = Math.min(len - at, 1 + rnd.nextInt(256));
                    byte[] o = new byte[len + rep];
                    System.arraycopy(b, 0, o, 0, at + rep);
                    System.arraycopy(b, at, o, at + rep, len - at);
                    b = o;
                }
            }
        }
        return b;
    }

    private static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        Path f = Files.createTempFile(tmp, "seed", ".idx");
        TestData.writeIdx(f, magic, dims, data, false);
        return Files.readAllBytes(f);
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void idxFiles() throws Exception {
        Tally t = new Tally("IDX (MNIST layout, raw and gzip)");
        Random rnd = new Random(SEED);
        byte[] px = new byte[8 * 28 * 28];
        rnd.nextBytes(px);
        byte[] images = idx(0x803, new int[] {8, 28, 28}, px);
        byte[] labels = idx(0x801, new int[] {8}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
        Path dir = Files.createDirectories(tmp.resolve("idx"));
        Path img = dir.resolve("train-images-idx3-ubyte");
        Path lab = dir.resolve("train-labels-idx1-ubyte");
        for (int i = 0; i < INPUTS; i++) {
            boolean gz = rnd.nextBoolean();
            boolean hitLabels = rnd.nextInt(4) == 0;
            byte[] a = hitLabels ? images : mutate(images, rnd);
            byte[] b = hitLabels ? mutate(labels, rnd) : labels;
            // gzip: the mutations hit the compressed bytes half the time, the content the other half
            Files.write(img, gz ? (rnd.nextBoolean() ? mutate(gzip(images), rnd) : gzip(a)) : a);
            Files.write(lab, b);
            attempt(t, "idx input " + i, () -> ImageDatasets.load("fuzz", img, lab, 0));
        }
        t.done();
    }

    @Test
    void cifarBinary() throws Exception {
        Tally t = new Tally("CIFAR-10 binary");
        Random rnd = new Random(SEED + 1);
        byte[] seed = new byte[4 * 3073];
        rnd.nextBytes(seed);
        for (int r = 0; r < 4; r++) {
            seed[r * 3073] = (byte) r;
        }
        Path dir = Files.createDirectories(tmp.resolve("cifar"));
        Path f = dir.resolve("data_batch_1.bin");
        for (int i = 0; i < INPUTS; i++) {
            Files.write(f, mutate(seed, rnd));
            attempt(t, "cifar input " + i, () -> Cifar10.loadTrain(dir.toString(), 0));
        }
        t.done();
    }

    @Test
    void imageFolders() throws Exception {
        Tally t = new Tally("image folder (PNG, JPEG, BMP, GIF)");
        Random rnd = new Random(SEED + 2);
        BufferedImage im = new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 20; x++) {
                im.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (String fmt : new String[] {"png", "jpg", "bmp", "gif"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(ImageIO.write(im, fmt.equals("jpg") ? "jpeg" : fmt, out)).as(fmt).isTrue();
            seeds.put(fmt, out.toByteArray());
        }
        Path dir = Files.createDirectories(tmp.resolve("images"));
        List<String> fmts = new ArrayList<>(seeds.keySet());
        PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(new ByteArrayOutputStream())); // skipped files are named there
            for (int i = 0; i < INPUTS; i++) {
                String fmt = fmts.get(i % fmts.size());
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path p : s.toList()) {
                        Files.delete(p);
                    }
                }
                Files.write(dir.resolve("a." + fmt), mutate(seeds.get(fmt), rnd));
                attempt(t, fmt + " input " + i, () -> ImageFolder.load(dir.toString(), 16, 0));
            }
        } finally {
            System.setErr(err);
        }
        t.done();
    }

    private static final String[] YAML_VALUES = {"-1", "0", "1e308", "-1e308", ".nan", ".inf", "null", "~", "[", "{", "]",
        "[1, 2]", "{a: 1}", "&a [*a]", "'", "\"", "!!binary AAAA", "!!java.io.File /", "99999999999999999999", "yes",
        "x".repeat(5000), "\t", ": :", "- - -", "*missing"};

    @Test
    void yamlConfigs() throws Exception {
        Tally t = new Tally("YAML configs");
        Random rnd = new Random(SEED + 3);
        List<String> seeds = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("configs"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                seeds.add(Files.readString(p));
            }
        }
        assertThat(seeds).isNotEmpty();
        Path f = tmp.resolve("fuzz.yaml");
        for (int i = 0; i < INPUTS; i++) {
            String seed = seeds.get(rnd.nextInt(seeds.size()));
            byte[] b;
            if (rnd.nextBoolean()) {
                b = mutate(seed.getBytes(StandardCharsets.UTF_8), rnd);
            } else {
                // a value, or a whole line's tail, replaced by a hostile one
                String[] lines = seed.split("\n", -1);
                int n = 1 + rnd.nextInt(3);
                for (int k = 0; k < n; k++) {
                    int l = rnd.nextInt(lines.length);
                    int colon = lines[l].indexOf(':');
                    String v = YAML_VALUES[rnd.nextInt(YAML_VALUES.length)];
                    lines[l] = colon < 0 ? v : lines[l].substring(0, colon + 1) + " " + v;
                }
                b = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
            }
            Files.write(f, b);
            attempt(t, "yaml input " + i + ": " + new String(b, StandardCharsets.UTF_8).lines().findFirst().orElse(""),
                    () -> ConfigLoader.load(f, List.of()));
        }
        t.done();
    }

    /** A toy run's checkpoint, its run directory, and its config file. */
    private static Path toyRun(String name) throws Exception {
        Path cfg = tmp.resolve(name + ".yaml");
        Files.writeString(cfg, """
                name: fuzz
                data: {dataset: ring8, toy_samples: 500}
                model: {architecture: toy-mlp, z_dim: 4, width: 8, depth: 1}
                train: {steps: 2, batch_size: 16}
                log: {every: 1, sample_every: 0, checkpoint_every: 0}
                """);
        Path run = tmp.resolve(name);
        assertThat(Main.run("train", "--config", cfg.toString(), "--out", run.toString())).isZero();
        return cfg;
    }

    @Test
    void checkpoints() throws Exception {
        Tally t = new Tally("checkpoints");
        Random rnd = new Random(SEED + 4);
        toyRun("ckpt-seed");
        byte[] seed = Files.readAllBytes(tmp.resolve("ckpt-seed/checkpoints/latest.pt"));
        Path f = tmp.resolve("fuzz.pt");
        for (int i = 0; i < INPUTS; i++) {
            Files.write(f, mutate(seed, rnd));
            attempt(t, "checkpoint input " + i, () -> {
                Checkpoint.Opened o = Checkpoint.open(f);
                org.gan4j.train.Sampler.load(f, false);
                o.header().config(f.toString());
            });
        }
        t.done();
    }

    @Test
    void commandLineArguments() throws Exception {
        Tally t = new Tally("command line arguments");
        Random rnd = new Random(SEED + 5);
        Path cli = Files.createDirectories(tmp.resolve("cli"));
        Path toyCfg = toyRun("cli-toy");
        Path mnist = TestData.mnistDir(Files.createDirectories(tmp.resolve("mnistdir")));
        Path imgCfg = tmp.resolve("cli-mlp.yaml");
        Files.writeString(imgCfg, """
                name: fuzz-mlp
                data: {dataset: mnist, path: "%s", limit: 64}
                model: {architecture: mlp, width: 16}
                train: {steps: 1, batch_size: 16}
                log: {every: 1, sample_every: 0, checkpoint_every: 0}
                """.formatted(mnist.toString().replace("\\", "/")));
        assertThat(Main.run("train", "--config", imgCfg.toString(), "--out", tmp.resolve("cli-mlp").toString())).isZero();
        Path ckpt = tmp.resolve("cli-mlp/checkpoints/latest.pt");
        Path junk = Files.writeString(cli.resolve("junk.pt"), "junk");
        String[] paths = {ckpt.toString(), toyCfg.toString(), imgCfg.toString(), junk.toString(), cli.resolve("none").toString(),
            cli.toString(), cli.resolve("o.png").toString(), mnist.toString(), tmp.resolve("cli-toy").toString()};
        String[] values = {"-1", "0", "1", "2", "7", "10", "1e9", "NaN", "99999999999", "", "-", "--", "x", "=", "a=b",
            "train.steps=1", "train.steps=-3", "model.width=0", "data.limit=x", "model.conditioning=projection", "--help",
            "--n", "--seed", "--class", "--class-grid", "--raw", "--set", "--out", "--config", "--resume", "--checkpoint"};
        List<String> takesPath = List.of("--out", "--config", "--resume", "--checkpoint");
        List<String> before = listing(Path.of("."));
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            for (int i = 0; i < INPUTS; i++) {
                Path run = cli.resolve("run" + i);
                List<String> args = seedArgs(rnd.nextInt(4), ckpt, toyCfg, tmp.resolve("cli-toy"), run, cli.resolve("s" + i + ".png"));
                int n = 1 + rnd.nextInt(3);
                for (int k = 0; k < n && args.size() > 1; k++) {
                    int at = 1 + rnd.nextInt(args.size() - 1); // the command name stays: no data fetch, no benchmark
                    switch (rnd.nextInt(5)) {
                        case 0 -> args.remove(at);
                        case 1 -> args.add(at, args.get(rnd.nextInt(args.size())));
                        case 2 -> args.set(at, values[rnd.nextInt(values.length)]);
                        case 3 -> args.set(at, paths[rnd.nextInt(paths.length)]);
                        default -> {
                            String a = args.get(at);
                            int c = a.isEmpty() ? 0 : rnd.nextInt(a.length());
                            args.set(at, a.substring(0, c) + (char) (32 + rnd.nextInt(95)) + a.substring(Math.min(a.length(), c + 1)));
                        }
                    }
                }
                // everything a command writes stays in the fuzz's directory: relative paths after a
                // path option are put there, and a training always names its --out
                for (int k = 1; k < args.size(); k++) {
                    if (takesPath.contains(args.get(k - 1)) && !Path.of(args.get(k).replace('\u0000', '_')).isAbsolute()) {
                        args.set(k, cli.resolve("rel" + i).toString());
                    }
                }
                if (args.get(0).equals("train") && !args.contains("--out") && !args.contains("--resume")) {
                    args.addAll(List.of("--out", run.resolve("default").toString()));
                }
                String[] argv = args.toArray(String[]::new);
                ByteArrayOutputStream errs = new ByteArrayOutputStream();
                System.setOut(new PrintStream(new ByteArrayOutputStream()));
                System.setErr(new PrintStream(errs, true, StandardCharsets.UTF_8));
                attempt(t, String.join(" ", argv), () -> {
                    int code = Main.run(argv);
                    String e = errs.toString(StandardCharsets.UTF_8).strip();
                    boolean stackTrace = e.contains("\tat ") || e.contains("Exception");
                    if ((code != 0 && code != 2) || stackTrace || (code == 2 && e.lines().count() != 1)) {
                        throw new IllegalStateException("exit " + code + ": " + e);
                    }
                    if (code == 2) {
                        throw new UserError(e); // refused, in one line
                    }
                });
                System.setOut(out);
                System.setErr(err);
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(listing(Path.of("."))).as("files in the working directory").isEqualTo(before);
        t.done();
    }

    private static List<String> seedArgs(int kind, Path ckpt, Path toyCfg, Path toyRun, Path run, Path png) {
        return new ArrayList<>(switch (kind) {
            case 0 -> List.of("sample", "--checkpoint", ckpt.toString(), "--n", "4", "--out", png.toString());
            case 1 -> List.of("sample", "--checkpoint", ckpt.toString(), "--n", "3", "--seed", "5", "--out",
                    png.getParent().resolve(png.getFileName() + ".d").toString(), "--raw");
            case 2 -> List.of("train", "--config", toyCfg.toString(), "--out", run.toString(), "--set", "train.steps=1");
            default -> List.of("train", "--resume", toyRun.toString(), "--set", "train.steps=2");
        });
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
