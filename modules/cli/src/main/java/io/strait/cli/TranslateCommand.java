package io.strait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.load.ParseCache;
import io.strait.ingest.revision.RevisionBuilder;
import io.strait.ingest.revision.RevisionOutcome;
import io.strait.model.finding.Finding;
import io.strait.model.json.Json;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.pilot.ScopeTranslator;
import io.strait.translate.xds.XdsJson;
import io.strait.translate.xds.XdsResources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strait translate}: what one proxy would receive for the config given, computed offline — no broker, no
 * fronts — by the same steps the roles take: the files are read and validated as ingest reads a source (a folder's
 * mesh.yaml or {@code --mesh-config} is the MeshConfig), the model is built, and the translator role's
 * {@link ScopeTranslator} translates it for the proxy the node id and metadata describe. Printed as Envoy's proto JSON
 * ({@code {"listeners":[…],"clusters":[…],"routes":[…],"endpoints":[…]}}) or the same as YAML.
 *
 * <p>The proxy kind comes from the node id as istiod reads it: {@code router~…} is a gateway, {@code sidecar~…} an
 * Envoy sidecar, and a {@code sidecar~…} node with metadata {@code GENERATOR=grpc} a proxyless gRPC client — what a
 * gRPC bootstrap from {@code strait bootstrap grpc} or Istio's agent sends; {@code --generator grpc} sets it.
 */
@Command(name = "translate", description = "Print what a proxy would receive for the config given, as Envoy's proto JSON, "
        + "computed offline (validation errors are printed as strait validate prints them, exit 1).")
public final class TranslateCommand implements Callable<Integer> {
    /** The resource types, in the order they are printed, by their name on the command line and in the output. */
    private static final List<String> TYPES = List.of("listeners", "clusters", "routes", "endpoints");

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Config files and folders, read as ingest reads a source.")
    List<Path> paths;

    @Option(names = "--node", required = true, paramLabel = "NODE_ID", description = "The proxy's node id in Istio's form: "
            + "sidecar~10.0.0.7~web-1.shop~shop.svc.cluster.local, or router~10.0.0.9~ingress-1.istio-system~istio-system.svc.cluster.local for a gateway.")
    String node;

    @Option(names = {"-l", "--labels"}, split = ",", paramLabel = "k=v", description = "The workload's labels (k=v,k2=v2; repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--meta", split = ",", paramLabel = "K=V", description = "Node metadata as istiod reads it: NAMESPACE, "
            + "SERVICE_ACCOUNT, CLUSTER_ID, GENERATOR (repeatable).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Option(names = "--generator", paramLabel = "grpc", description = "grpc: the node is a proxyless gRPC client (node metadata GENERATOR=grpc, as Istio marks them).")
    String generator;

    @Option(names = "--locality", paramLabel = "REGION/ZONE[/SUBZONE]", description = "The proxy's locality, for locality-aware load balancing.")
    String locality;

    @Option(names = "--mesh-config", paramLabel = "FILE", description = "A MeshConfig (YAML, no kind) to translate with, in place of a folder's mesh.yaml.")
    Path meshConfig;

    @Option(names = "--type", defaultValue = "all", description = "all, listeners, clusters, routes, endpoints or secrets (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = {"-o", "--output"}, defaultValue = "json", description = "json or yaml (default: ${DEFAULT-VALUE}).")
    String output;

    @Override
    public Integer call() throws IOException {
        if (!type.equals("all") && !type.equals("secrets") && !TYPES.contains(type)) {
            System.err.println("strait: unknown --type " + type + "; use all, listeners, clusters, routes, endpoints or secrets");
            return 2;
        }
        if (!output.equals("json") && !output.equals("yaml")) {
            System.err.println("strait: unknown -o " + output + "; use json or yaml");
            return 2;
        }
        ProxyIdentity proxy;
        try {
            Map<String, String> meta = new LinkedHashMap<>(metadata);
            if (generator != null) {
                meta.put("GENERATOR", generator);
            }
            proxy = ProxyIdentity.of(node, meta, labels).withLocality(locality);
        } catch (IllegalArgumentException e) {
            System.err.println("strait: " + e.getMessage());
            return 2;
        }
        LoadResult loaded = ConfigLoader.parse(ConfigLoader.withMeshConfig(ConfigLoader.readPaths(paths), meshConfig), new ParseCache());
        RevisionOutcome outcome = new RevisionBuilder().build("translate", null, loaded);
        if (outcome instanceof RevisionOutcome.Rejected rejected) {
            // as strait validate prints them, on stdout, with the count last
            List<Finding> shown = rejected.findings().stream().filter(f -> f.level() != Finding.Level.INFO).toList();
            shown.forEach(f -> System.out.println(f.describe()));
            System.out.println(shown.stream().filter(Finding::isError).count() + " error(s): nothing translated");
            return 1;
        }
        RevisionOutcome.Accepted accepted = (RevisionOutcome.Accepted) outcome;
        // warnings (fields valid but not translated yet, …) go to stderr, so stdout stays the resources alone
        accepted.revision().warnings().stream().filter(f -> f.level() == Finding.Level.WARNING)
                .forEach(f -> System.err.println(f.describe()));
        MeshModel model = MeshModel.of(accepted.revision().resources().values().stream().map(e -> e.resource()).toList());
        XdsResources out = new ScopeTranslator().translate(model, proxy);
        ObjectNode doc = document(out);
        if (output.equals("yaml")) {
            DumperOptions options = new DumperOptions();
            options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
            System.out.print(new Yaml(options).dump(Json.MAPPER.convertValue(doc, Object.class)));
        } else {
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        }
        return 0;
    }

    /** The output document: one array per type asked for, each resource as Envoy's proto JSON. */
    private ObjectNode document(XdsResources out) throws IOException {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        Map<String, List<? extends com.google.protobuf.Message>> byType = Map.of("listeners", out.listeners(),
                "clusters", out.clusters(), "routes", out.routes(), "endpoints", out.endpoints());
        for (String t : TYPES) {
            if (type.equals("all") || type.equals(t)) {
                ArrayNode list = doc.putArray(t);
                for (com.google.protobuf.Message m : byType.get(t)) {
                    JsonNode parsed = Json.MAPPER.readTree(XdsJson.print(m));
                    list.add(parsed);
                }
            }
        }
        if (type.equals("secrets")) {
            // the translator makes no secrets, only SDS references to them (kubernetes://<credentialName> in listeners and
            // clusters); the secrets themselves are served by the xDS fronts from --secret-dir, never via the bus
            doc.putArray("secrets");
            System.err.println("strait: secrets are not translated: the listeners and clusters name them (kubernetes://<credentialName>), "
                    + "and the xDS fronts serve them from --secret-dir to authenticated proxies of each secret's namespace");
        }
        return doc;
    }
}
