package io.strait.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Strait role in its own JVM, started the way a user starts it: {@code java -jar strait-cli.jar run <role> …}
 * with the jar the build just packaged. Output goes to a file whose tail is shown when the process is stopped.
 */
final class RoleProcess implements AutoCloseable {
    private final String role;
    private final Process process;
    private final Path output;

    RoleProcess(String role, Path workDir, List<String> args) throws IOException {
        this(role, workDir, args, java.util.Map.of());
    }

    /** @param env more environment variables for the role's JVM (a test-only crash point, say) */
    RoleProcess(String role, Path workDir, List<String> args, java.util.Map<String, String> env) throws IOException {
        this(role, workDir, List.of(), args, env);
    }

    /** @param jvm more options for the role's JVM, before {@code -jar} (a class-data archive, say) */
    RoleProcess(String role, Path workDir, List<String> jvm, List<String> args, java.util.Map<String, String> env) throws IOException {
        this.role = role;
        Path jar = Path.of("..", "modules", "cli", "target", "strait-cli.jar").toAbsolutePath().normalize();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the whole build (./mvnw verify), which packages it first");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString(), "run", role));
        command.addAll(args);
        Files.createDirectories(workDir);
        this.output = workDir.resolve(role + ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().putAll(env);
        this.process = builder.start();
    }

    /** Ends the process at once, as a crash would: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** The role's JVM: the same pid at the end of a test means the role never restarted. */
    long pid() {
        return process.pid();
    }

    @Override
    public String toString() {
        return role + " (pid " + process.pid() + ")";
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() throws IOException {
        return Files.exists(output) ? Files.readString(output) : "";
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: the role's shutdown hook stops it cleanly
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        String out = output();
        System.out.println("---- " + role + " process output (last lines) ----");
        out.lines().skip(Math.max(0, out.lines().count() - 15)).forEach(System.out::println);
    }
}
