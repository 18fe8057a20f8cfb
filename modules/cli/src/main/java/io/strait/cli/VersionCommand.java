package io.strait.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code strait version}. */
@Command(name = "version", description = "Print Strait's version.")
public final class VersionCommand implements Callable<Integer>, IVersionProvider {
    static final String VERSION = "0.1.0-SNAPSHOT";

    @Override
    public Integer call() {
        System.out.println("strait " + VERSION);
        return 0;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"strait " + VERSION};
    }
}
