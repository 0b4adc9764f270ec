package org.gan4j.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", description = "Benchmarks that print figures.", subcommands = {BenchStep.class, BenchQuality.class, BenchQualityCurve.class, BenchModes.class, BenchStackedMnist.class})
final class BenchCommand {
}
