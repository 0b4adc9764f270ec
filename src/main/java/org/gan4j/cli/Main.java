package org.gan4j.cli;

import java.io.PrintWriter;
import org.gan4j.config.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The gan4j command line. User errors end in one line on stderr and exit code 2. */
@Command(name = "gan4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Generative Adversarial Networks on libtorch.",
        subcommands = {TrainCommand.class, SampleCommand.class, EvalCommand.class, BenchCommand.class, DataCommand.class,
                ClassifierCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static final int USER_ERROR = 2;

    public static void main(String[] args) {
        // JavaCPP reads /proc for resident memory at every native object it tracks (~1,000 per
        // DCGAN step, 0.45 ms on the step's serial path, seen here) to force a GC past a limit;
        // gan4j frees its native memory by scopes, so that guard only costs time. Before any
        // JavaCPP class loads; a user's -D wins.
        if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null
                && System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        }
        if (args.length > 0 && !args[0].startsWith("-") && !java.util.Set.of("help", "data").contains(args[0])) {
            // every command's libtorch work (sampling, scoring, classifier training) on
            // libtorch's default threads, OpenBLAS on one; `train.threads` may change it for training
            org.gan4j.nn.Devices.threads(Integer.getInteger("gan4j.threads", 0));
        }
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable t = e;
            while (t != null && !(t instanceof UserError)) {
                t = t.getCause();
            }
            if (t != null) {
                PrintWriter err = cmd.getErr();
                err.println("gan4j: " + t.getMessage());
                err.flush();
                return USER_ERROR;
            }
            throw e;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("gan4j: " + e.getMessage());
            err.flush();
            return USER_ERROR;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gan4j " + org.gan4j.nn.Versions.gan4j() + " (libtorch presets "
                    + org.gan4j.nn.Versions.pytorchPresets() + ")"};
        }
    }
}
