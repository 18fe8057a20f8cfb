package io.strait.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.strait.bus.kafka.BusConfig;
import io.strait.cli.config.AdminClient;
import io.strait.cli.config.ConfigOutput;
import io.strait.cli.config.KindNames;
import io.strait.cli.config.LiveConfig;
import io.strait.cli.config.LiveResource;
import io.strait.model.istio.Kind;
import io.strait.model.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strait get KIND [NAME] [-n NS]}: the live config of every source as the bus holds it — what the translators
 * read — with the source and revision each resource comes from. Read from the bus directly ({@code --kafka}), or
 * through a node's admin port (authenticated with its admin-token).
 */
@Command(name = "get", description = "Show live config resources of one kind from every source (all namespaces unless -n).")
public final class GetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "virtualservice (vs), destinationrule (dr), serviceentry (se), gateway (gw), "
            + "peerauthentication (pa), authorizationpolicy (ap), … in any case, singular or plural.")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Only this resource.")
    String name;

    @Option(names = {"-n", "--namespace"}, description = "Only this namespace (default: all).")
    String namespace;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, yaml or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--kafka", description = "Read the bus of this Kafka cluster directly instead of asking the admin port.")
    String kafka;

    @Option(names = "--admin-port", defaultValue = "15014", description = "Admin port of a running node (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--data-dir", defaultValue = ".strait", description = "That node's data directory, where its admin-token is (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (!List.of("table", "yaml", "json").contains(output)) {
            throw new IllegalArgumentException("-o takes table, yaml or json, not " + output);
        }
        Kind k = KindNames.parse(kind);
        List<LiveResource> found = kafka != null
                ? LiveConfig.read(new BusConfig(kafka, "strait-cli"), Duration.ofSeconds(15), k, namespace, name)
                : ask(k);
        if (name != null && found.isEmpty()) {
            System.err.println(k.kindName() + " " + (namespace == null ? "" : namespace + "/") + name + " not found");
            return 1;
        }
        System.out.print(switch (output) {
            case "yaml" -> ConfigOutput.yaml(found);
            case "json" -> ConfigOutput.json(found);
            default -> ConfigOutput.table(k.kindName(), found, System.currentTimeMillis());
        });
        return 0;
    }

    private List<LiveResource> ask(Kind k) throws Exception {
        StringBuilder query = new StringBuilder("/config?kind=").append(k.kindName());
        if (namespace != null) {
            query.append("&namespace=").append(URLEncoder.encode(namespace, StandardCharsets.UTF_8));
        }
        if (name != null) {
            query.append("&name=").append(URLEncoder.encode(name, StandardCharsets.UTF_8));
        }
        AdminClient.Answer answer = new AdminClient(adminPort, dataDir).get(query.toString());
        if (answer.code() != 200) {
            throw new IllegalStateException("the node refused (" + answer.code() + "): " + answer.body().trim());
        }
        return Json.MAPPER.readValue(answer.body(), new TypeReference<List<LiveResource>>() { });
    }
}
