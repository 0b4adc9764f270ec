package org.gan4j.cli;

import picocli.CommandLine.Command;

@Command(name = "data", description = "Datasets: fetch them.", subcommands = {DataFetch.class})
final class DataCommand {
}
