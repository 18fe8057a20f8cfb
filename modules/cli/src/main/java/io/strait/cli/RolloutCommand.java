package io.strait.cli;

import io.strait.cli.config.AdminClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strait rollout resume|abort REVISION}: promotes a staged rollout a NACK halted (or one still in its canary),
 * or ends one unpromoted, through a running node's admin port (authenticated by its admin token).
 */
@Command(name = "rollout", description = "Resume (promote) or abort a staged rollout (--rollout) of a revision; exit 1 if it cannot.")
public final class RolloutCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "resume|abort", description = "resume: deliver the revision to every scope; abort: never.")
    String action;

    @Parameters(index = "1", paramLabel = "REVISION", description = "The revision id or a unique prefix of it (4 or more characters).")
    String revision;

    @picocli.CommandLine.Mixin
    AdminFlags admin;

    @Override
    public Integer call() throws Exception {
        io.strait.cli.rollout.RolloutDecisions.Action.parse(action); // a typo is told here, before anything is sent
        AdminClient.Answer answer = admin.client().post("/rollouts/" + action.toLowerCase(java.util.Locale.ROOT)
                + "?revision=" + URLEncoder.encode(revision, StandardCharsets.UTF_8), "");
        if (answer.code() != 200) {
            System.out.print(answer.body());
            return 1;
        }
        var state = io.strait.model.json.Json.read(answer.body().getBytes(StandardCharsets.UTF_8), io.strait.bus.envelope.RolloutState.class);
        System.out.println("revision " + (state.revision().length() > 12 ? state.revision().substring(0, 12) : state.revision())
                + " of " + state.source() + " is " + state.phase() + ": " + state.reason());
        return 0;
    }
}
