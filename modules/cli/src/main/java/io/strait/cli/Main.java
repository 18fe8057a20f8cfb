package io.strait.cli;

import io.strait.cli.runtime.ConsoleLogging;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code strait}: the command line of the Strait control plane ({@code -h} and {@code -V} on every command: the scope is inherited). */
@Command(name = "strait", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = VersionCommand.class,
        description = "A service-mesh control plane on Kafka: Istio APIs in, Envoy xDS out.",
        subcommands = {UpCommand.class, DemoCommand.class, RunCommand.class, StatusCommand.class, ValidateCommand.class, AnalyzeCommand.class, TranslateCommand.class, WaitCommand.class,
                ApplyCommand.class, GetCommand.class, DeleteCommand.class, RolloutCommand.class,
                BootstrapCommand.class, TokenCommand.class, CertCommand.class, AgentCommand.class, VersionCommand.class})
public final class Main {

    public static void main(String[] args) {
        ConsoleLogging.bridgeJul();
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (used by tests, which must not exit the JVM). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("strait: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 2;
        });
        return cl.execute(args);
    }
}
