import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gan4j.config.ConfigLoader;
import org.gan4j.train.Experiment;
import org.gan4j.train.Trainer;

/**
 * Same-process A/B of two variants of one config's training step: both trainers are built and
 * warmed up side by side, then timed in alternating blocks (A B, B A, ...), so that a shared VM's
 * speed swings (20-30% within minutes on the Zen 5 of session 18) fall on both alike. Prints each
 * variant's median ms/step and the median and quartiles of the per-block ratio B/A.
 * Usage: bench/step-ab.sh CONFIG BLOCKS STEPS_PER_BLOCK "A overrides" "B overrides"
 * (overrides separated by ';', '-' for none; an entry {@code -Dkey=value} sets that system
 * property before each of the variant's blocks instead, for switches read in the code).
 */
public final class StepAB {
    public static void main(String[] args) {
        Path config = Path.of(args[0]);
        int blocks = Integer.parseInt(args[1]);
        int per = Integer.parseInt(args[2]);
        String[] names = {args[3], args[4]};
        Trainer[] trainers = new Trainer[2];
        List<List<String[]>> props = List.of(new ArrayList<>(), new ArrayList<>());
        for (int k = 0; k < 2; k++) {
            List<String> overrides = new ArrayList<>();
            for (String s : names[k].split(";")) {
                s = s.trim();
                if (s.startsWith("-D") && s.contains("=")) {
                    props.get(k).add(s.substring(2).split("=", 2));
                } else if (!s.isBlank() && !s.equals("-")) {
                    overrides.add(s);
                }
            }
            setProperties(props.get(k));
            trainers[k] = Experiment.detached(ConfigLoader.load(config, overrides));
            for (int i = 0; i < 30; i++) {
                trainers[k].stepOnce();
            }
        }
        double[][] ms = new double[2][blocks];
        for (int b = 0; b < blocks; b++) {
            for (int j = 0; j < 2; j++) {
                int k = b % 2 == 0 ? j : 1 - j;
                setProperties(props.get(k));
                long t0 = System.nanoTime();
                for (int i = 0; i < per; i++) {
                    trainers[k].stepOnce();
                }
                ms[k][b] = (System.nanoTime() - t0) / 1e6 / per;
            }
        }
        for (int k = 0; k < 2; k++) {
            double[] s = ms[k].clone();
            Arrays.sort(s);
            System.out.printf("%s: median %.1f ms/step, min %.1f%n", names[k], s[blocks / 2], s[0]);
        }
        double[] r = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            r[b] = ms[1][b] / ms[0][b];
        }
        Arrays.sort(r);
        System.out.printf("B/A per block: median %.3f, quartiles %.3f .. %.3f%n", r[blocks / 2], r[blocks / 4],
                r[3 * blocks / 4]);
        System.exit(0); // the loaders' threads
    }

    private static void setProperties(List<String[]> props) {
        for (String[] p : props) {
            System.setProperty(p[0], p[1]);
        }
    }
}
