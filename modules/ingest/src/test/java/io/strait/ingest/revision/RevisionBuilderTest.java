package io.strait.ingest.revision;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ingest.load.ConfigLoader;
import io.strait.model.finding.Finding;
import io.strait.model.istio.ResourceKey;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

public class RevisionBuilderTest {
    public static final String SE = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews.bookinfo.svc.cluster.local]
              ports: [{number: 9080, name: grpc}]
              resolution: STATIC
              endpoints:
              - {address: 10.0.0.1, labels: {version: v1}}
              - {address: 10.0.0.2, labels: {version: v2}}
            """;
    public static final String DR = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              host: reviews
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
            """;

    public static String vs(String routes) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  hosts: [reviews]
                  http:
                """ + routes;
    }

    private static RevisionOutcome build(String vs) {
        return new RevisionBuilder().build("test", null, ConfigLoader.parse(Map.of("se.yaml", SE, "dr.yaml", DR, "vs.yaml", vs)));
    }

    private static List<Finding> errors(String vs) {
        RevisionOutcome o = build(vs);
        assertThat(o).isInstanceOf(RevisionOutcome.Rejected.class);
        return ((RevisionOutcome.Rejected) o).findings().stream().filter(Finding::isError).toList();
    }

    @Test
    void aValidRevisionCarriesEveryResourceWithItsOrigin() {
        RevisionOutcome o = build(vs("""
                  - route:
                    - {destination: {host: reviews, subset: v1}, weight: 60}
                    - {destination: {host: reviews, subset: v2}, weight: 40}
                """));
        assertThat(o).isInstanceOf(RevisionOutcome.Accepted.class);
        Revision r = ((RevisionOutcome.Accepted) o).revision();
        assertThat(r.resources()).containsOnlyKeys(new ResourceKey("ServiceEntry", "bookinfo", "reviews"),
                new ResourceKey("DestinationRule", "bookinfo", "reviews"), new ResourceKey("VirtualService", "bookinfo", "reviews"));
        assertThat(r.resources().get(new ResourceKey("VirtualService", "bookinfo", "reviews")).origin())
                .satisfies(origin -> {
                    assertThat(origin.file()).isEqualTo("vs.yaml");
                    assertThat(origin.line()).isEqualTo(1);
                    assertThat(origin.revision()).isEqualTo(r.id());
                });
    }

    @Test
    void aGatewayWhosePodsTheSourceDoesNotHoldIsAcceptedWithAWarning() {
        String gateway = """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: edge, namespace: bookinfo}
                spec:
                  selector: {app: edge-proxy}
                  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]
                """;
        RevisionOutcome o = new RevisionBuilder().build("test", null, ConfigLoader.parse(Map.of("se.yaml", SE, "gw.yaml", gateway)));
        assertThat(o).isInstanceOf(RevisionOutcome.Accepted.class);
        assertThat(((RevisionOutcome.Accepted) o).revision().warnings()).extracting(Finding::code).contains("IST0101");
    }

    @Test
    void theRevisionIdIsAContentHash() {
        String valid = vs("  - route: [{destination: {host: reviews}}]\n");
        assertThat(build(valid).id()).isEqualTo(build(valid).id());
        assertThat(build(valid).id()).isNotEqualTo(build(valid + "# a comment\n").id());
    }

    @Test
    void weightsMustSumTo100() {
        assertThat(errors(vs("""
                  - route:
                    - {destination: {host: reviews, subset: v1}, weight: 100}
                    - {destination: {host: reviews, subset: v2}, weight: 50}
                """))).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("vs.yaml");
            assertThat(f.line()).isEqualTo(7);
            assertThat(f.field()).isEqualTo("spec.http[0].route");
            assertThat(f.message()).contains("sum to 150");
        });
    }

    @Test
    void aRouteToAnUndefinedSubsetOrHostIsRejectedWithIstiosCode() {
        assertThat(errors(vs("  - route: [{destination: {host: reviews, subset: v3}}]\n")))
                .singleElement().satisfies(f -> {
                    assertThat(f.code()).isEqualTo("IST0101");
                    assertThat(f.field()).isEqualTo("spec.http[0].route[0].destination.subset");
                    assertThat(f.message()).contains("reviews+v3");
                });
        assertThat(errors(vs("  - route: [{destination: {host: ratings}}]\n")))
                .singleElement().satisfies(f -> assertThat(f.message()).contains("Referenced host not found: \"ratings\""));
        assertThat(errors(vs("  - route: [{destination: {host: reviews, port: {number: 9090}}}]\n")))
                .singleElement().satisfies(f -> assertThat(f.field()).isEqualTo("spec.http[0].route[0].destination.port.number"));
    }

    @Test
    void matchesAreChecked() {
        List<Finding> found = errors(vs("""
                  - match:
                    - uri: {prefix: /a, exact: /b}
                      headers:
                        End-User: {exact: jason}
                        x-id: {regex: "[0-9"}
                    route: [{destination: {host: reviews}}]
                """));
        assertThat(found).extracting(Finding::field).containsExactlyInAnyOrder(
                "spec.http[0].match[0].uri", "spec.http[0].match[0].headers.End-User", "spec.http[0].match[0].headers.x-id.regex");
    }

    @Test
    void oneBadDocumentRejectsTheWholeRevision() {
        RevisionOutcome o = new RevisionBuilder().build("test", null, ConfigLoader.parse(new TreeMap<>(Map.of(
                "se.yaml", SE, "dr.yaml", DR, "vs.yaml", vs("  - route: [{destination: {host: reviews}}]\n"),
                "broken.yaml", "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: x}\nspec: {hosts: [\n"))));
        assertThat(o).isInstanceOfSatisfying(RevisionOutcome.Rejected.class, r ->
                assertThat(r.findings()).filteredOn(Finding::isError).singleElement().satisfies(f -> {
                    assertThat(f.file()).isEqualTo("broken.yaml");
                    assertThat(f.message()).startsWith("YAML syntax error");
                }));
    }

    @Test
    void duplicateNamesAcrossFilesAreRejected() {
        RevisionOutcome o = new RevisionBuilder().build("test", null, ConfigLoader.parse(Map.of(
                "se.yaml", SE, "se-copy.yaml", SE)));
        assertThat(o).isInstanceOfSatisfying(RevisionOutcome.Rejected.class, r ->
                assertThat(r.findings()).filteredOn(Finding::isError).singleElement()
                        .satisfies(f -> assertThat(f.message()).contains("also defined at se-copy.yaml:1")));
    }

    @Test
    void theDiffWritesOnlyWhatChanged() {
        Revision first = ((RevisionOutcome.Accepted) build(vs("  - route: [{destination: {host: reviews, subset: v1}}]\n"))).revision();
        RevisionDiff initial = RevisionDiff.between(Map.of(), first);
        assertThat(initial.upserts()).hasSize(3);
        Revision second = ((RevisionOutcome.Accepted) build(vs("  - route: [{destination: {host: reviews, subset: v2}}]\n"))).revision();
        RevisionDiff edit = RevisionDiff.between(RevisionDiff.comparableOf(first), second);
        assertThat(edit.upserts()).containsOnlyKeys(new ResourceKey("VirtualService", "bookinfo", "reviews"));
        assertThat(edit.deletes()).isEmpty();
        Revision third = ((RevisionOutcome.Accepted) new RevisionBuilder().build("test", null,
                ConfigLoader.parse(Map.of("se.yaml", SE)))).revision();
        RevisionDiff removal = RevisionDiff.between(RevisionDiff.comparableOf(second), third);
        assertThat(removal.upserts()).isEmpty();
        assertThat(removal.deletes()).hasSize(2);
    }

    @Test
    void headerOperationsEnvoyWouldRejectAreErrorsWithTheirField() {
        List<Finding> found = errors(vs("""
                  - headers:
                      request:
                        set: {host: reviews.internal, x-ok: "yes"}
                        add: {":path": /other}
                        remove: [host, "bad header"]
                      response:
                        set: {x-bad: "a\\r\\nb"}
                    route: [{destination: {host: reviews}}]
                """));
        assertThat(found).extracting(Finding::field).containsExactlyInAnyOrder(
                "spec.http[0].headers.request.add.:path",
                "spec.http[0].headers.request.remove[0]",
                "spec.http[0].headers.request.remove[1]",
                "spec.http[0].headers.response.set.x-bad");
        assertThat(found).extracting(Finding::message).anySatisfy(m -> assertThat(m).contains("set it under headers.request.set"))
                .anySatisfy(m -> assertThat(m).contains("pseudo-header \":path\""))
                .anySatisfy(m -> assertThat(m).contains("not a valid HTTP header name"))
                .anySatisfy(m -> assertThat(m).contains("NUL, CR or LF"));
        assertThat(found).allSatisfy(f -> assertThat(f.line()).isGreaterThan(1));
    }

    @Test
    void headerOperationsAreTranslatedSoTheyDrawNoWarning() {
        RevisionOutcome o = build(vs("""
                  - headers: {request: {set: {x-route: a}}, response: {remove: [x-internal]}}
                    route:
                    - destination: {host: reviews, subset: v1}
                      headers: {request: {set: {":authority": v1.reviews}}}
                """));
        assertThat(o).isInstanceOf(RevisionOutcome.Accepted.class);
        assertThat(((RevisionOutcome.Accepted) o).revision().warnings()).noneMatch(f -> f.message().contains("not translated"));
    }

    @Test
    void outlierDetectionPercentagesOutOfRangeAreErrorsAndGrpcClientsAreWarned() {
        String dr = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  host: reviews
                  trafficPolicy:
                    outlierDetection: {consecutive5xxErrors: 5, maxEjectionPercent: 150}
                    portLevelSettings:
                    - port: {number: 9080}
                      outlierDetection: {minHealthPercent: 101}
                """;
        RevisionOutcome bad = new RevisionBuilder().build("test", null, ConfigLoader.parse(Map.of("se.yaml", SE, "dr.yaml", dr)));
        assertThat(bad).isInstanceOf(RevisionOutcome.Rejected.class);
        assertThat(((RevisionOutcome.Rejected) bad).findings()).filteredOn(Finding::isError).extracting(Finding::field)
                .containsExactlyInAnyOrder("spec.trafficPolicy.outlierDetection.maxEjectionPercent",
                        "spec.trafficPolicy.portLevelSettings[0].outlierDetection.minHealthPercent");
        RevisionOutcome good = new RevisionBuilder().build("test", null, ConfigLoader.parse(Map.of("se.yaml", SE,
                "dr.yaml", dr.replace("150", "50").replace("101", "10"))));
        assertThat(good).isInstanceOf(RevisionOutcome.Accepted.class);
        assertThat(((RevisionOutcome.Accepted) good).revision().warnings())
                .anySatisfy(f -> assertThat(f.message()).contains("eject by failure percentage only"))
                .noneMatch(f -> f.message().contains("not translated"));
    }

    @Test
    void grpcClientsAreToldWhatTheyHashOnWhenTheKeyIsNoHeader() {
        String dr = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  host: reviews
                  trafficPolicy:
                    loadBalancer: {consistentHash: {useSourceIp: true}}
                    portLevelSettings:
                    - port: {number: 9080}
                      loadBalancer: {consistentHash: {httpCookie: {name: session, ttl: 60s}}}
                """;
        RevisionOutcome o = new RevisionBuilder().build("test", null, ConfigLoader.parse(Map.of("se.yaml", SE, "dr.yaml", dr)));
        assertThat(o).isInstanceOf(RevisionOutcome.Accepted.class);
        assertThat(((RevisionOutcome.Accepted) o).revision().warnings()).extracting(Finding::field, Finding::message)
                .contains(org.assertj.core.groups.Tuple.tuple("spec.trafficPolicy.loadBalancer.consistentHash.useSourceIp",
                                "proxyless gRPC clients hash on their channel instead of the source IP: each client channel "
                                        + "keeps to one endpoint"),
                        org.assertj.core.groups.Tuple.tuple("spec.trafficPolicy.portLevelSettings[0].loadBalancer.consistentHash",
                                "proxyless gRPC clients hash on a header (httpHeaderName) or, for useSourceIp, their channel; "
                                        + "with a cookie or a query parameter they have no hash key and spread calls at random "
                                        + "over the ring"));
    }

    @Test
    void rewritesThatCannotWorkAreErrorsWithTheirField() {
        List<Finding> found = errors(vs("""
                  - rewrite: {uri: /a/, uriRegexRewrite: {match: "^/b", rewrite: /}}
                    route: [{destination: {host: reviews}}]
                  - rewrite: {uriRegexRewrite: {match: "(", rewrite: /}}
                    route: [{destination: {host: reviews}}]
                  - rewrite: {}
                    route: [{destination: {host: reviews}}]
                """));
        assertThat(found).extracting(Finding::field).containsExactlyInAnyOrder(
                "spec.http[0].rewrite", "spec.http[1].rewrite.uriRegexRewrite.match", "spec.http[2].rewrite");
        assertThat(build(vs("""
                  - rewrite: {uri: /v2/, authority: reviews.internal}
                    route: [{destination: {host: reviews}}]
                """))).isInstanceOf(RevisionOutcome.Accepted.class);
    }

    @Test
    void delegatesMustExistHaveNoHostsAndNotDelegateAgain() {
        String delegate = """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews-api, namespace: bookinfo}
                spec:
                  http:
                  - route: [{destination: {host: reviews}}]
                  - delegate: {name: reviews}
                """;
        List<Finding> found = errors(vs("""
                  - match: [{uri: {prefix: /api}}]
                    delegate: {name: reviews-api}
                  - match: [{uri: {prefix: /old}}]
                    delegate: {name: gone, namespace: elsewhere}
                  - delegate: {name: reviews}
                    route: [{destination: {host: reviews}}]
                """) + delegate);
        assertThat(found).extracting(Finding::field).containsExactlyInAnyOrder(
                "spec.http[1].delegate", // not found
                "spec.http[2].delegate", // routes too
                "spec.http[2].delegate", // names a VirtualService with hosts
                "spec.http[1].delegate", // the delegate delegates again (reported on it)
                "spec.http[1].delegate"); // ... to a VirtualService with hosts
        assertThat(found).extracting(Finding::message).anySatisfy(m -> assertThat(m).contains("elsewhere/gone"));
        assertThat(build(vs("""
                  - match: [{uri: {prefix: /api}}]
                    delegate: {name: reviews-api}
                  - route: [{destination: {host: reviews}}]
                """) + delegate.replace("  - delegate: {name: reviews}\n", ""))).isInstanceOf(RevisionOutcome.Accepted.class);
    }

    @Test
    void aLocalRateLimitAnnotationMustStateARate() {
        String annotated = vs("""
                  - route: [{destination: {host: reviews}}]
                """).replace("metadata: {name: reviews, namespace: bookinfo}",
                "metadata: {name: reviews, namespace: bookinfo, annotations: {ratelimit.strait.io/local: %s}}");
        assertThat(errors(annotated.formatted("lots"))).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("metadata.annotations.ratelimit.strait.io/local");
            assertThat(e.message()).contains("<requests>/<s|m|h>");
        });
        assertThat(build(annotated.formatted("100/s"))).isInstanceOf(RevisionOutcome.Accepted.class);
        assertThat(io.strait.model.istio.LocalRateLimit.parse("6000 / m")).contains(new io.strait.model.istio.LocalRateLimit(6000, 60));
    }
}
