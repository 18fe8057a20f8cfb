package io.strait.cli;

import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code strait run <role>…}: some roles in this process, against a shared Kafka cluster. */
@Command(name = "run", description = "Run some roles (ingest, translate, xds, ca) in this process against a Kafka cluster (--kafka).")
public final class RunCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "ROLE", description = "ingest, translate, xds or ca")
    List<String> roles;

    @Mixin
    NodeFlags flags;

    @Override
    public Integer call() throws Exception {
        if (flags.kafka == null) {
            throw new IllegalArgumentException("run needs --kafka HOST:PORT (use `strait up` for the embedded broker)");
        }
        EnumSet<Role> set = EnumSet.noneOf(Role.class);
        roles.forEach(r -> set.add(Role.parse(r)));
        StraitNode node = UpCommand.Launch.start(flags, set);
        return UpCommand.Launch.runUntilInterrupted(node, null);
    }
}
