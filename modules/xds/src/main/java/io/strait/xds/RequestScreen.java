package io.strait.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Status;
import java.util.List;

/**
 * Decides, before the ADS engine sees a request, whether the front serves it, leaves it unanswered, or ends the
 * stream with a one-line reason. Checked here, before the engine, because the engine creates no state for a request it
 * never receives: a request naming 100,000 resources is refused before any subscription exists for it.
 */
final class RequestScreen {
    /** The types a front answers, in the order a client is told them. */
    static final List<String> SERVED = List.of(io.strait.bus.wire.XdsType.LDS.typeUrl(), io.strait.bus.wire.XdsType.RDS.typeUrl(),
            io.strait.bus.wire.XdsType.CDS.typeUrl(), io.strait.bus.wire.XdsType.EDS.typeUrl(), io.strait.xds.ads.AdsEngine.SECRET_TYPE_URL);
    /**
     * Envoy asks for more than Strait serves when its config says so (ECDS's TypedExtensionConfig, RTDS's Runtime,
     * SRDS, VHDS): those subscriptions are left unanswered, as istiod leaves a type it has no generator for, so the
     * stream lives on and Envoy's initial_fetch_timeout lets its listeners warm without them.
     */
    private static final String ENVOY_TYPES = "type.googleapis.com/envoy.";
    private static final int MAX_ECHOED_CHARS = 200;

    /** What to do with one request. */
    enum Verdict { SERVE, LEAVE_UNANSWERED, REFUSE }

    /** A verdict, with the status a refusal ends the stream with. */
    record Outcome(Verdict verdict, Status status) {
        static final Outcome SERVE = new Outcome(Verdict.SERVE, null);
        static final Outcome UNANSWERED = new Outcome(Verdict.LEAVE_UNANSWERED, null);

        static Outcome refuse(Status.Code code, String reason) {
            return new Outcome(Verdict.REFUSE, Status.fromCode(code).withDescription(reason));
        }
    }

    private final FrontLimits limits;

    RequestScreen(FrontLimits limits) {
        this.limits = limits;
    }

    /**
     * @param first whether it is the stream's first request (which must carry the node)
     * @param ads   whether the stream is ADS (every request names its type) or a single-type service
     */
    Outcome sotw(DiscoveryRequest request, boolean first, boolean ads) {
        return screen(request.getTypeUrl(), request.getResourceNamesCount(), request.hasNode(), request.getNode(), first, ads);
    }

    /** A delta request: what it subscribes, unsubscribes and says it holds is counted together. */
    Outcome delta(DeltaDiscoveryRequest request, boolean first, boolean ads) {
        long names = (long) request.getResourceNamesSubscribeCount() + request.getResourceNamesUnsubscribeCount()
                + request.getInitialResourceVersionsCount();
        return screen(request.getTypeUrl(), names, request.hasNode(), request.getNode(), first, ads);
    }

    private Outcome screen(String typeUrl, long names, boolean hasNode, Node node, boolean first, boolean ads) {
        if (first || hasNode) {
            String refusal = NodeIdentities.refusal(node, limits.maxNodeIdChars());
            if (refusal != null) {
                return Outcome.refuse(Status.Code.INVALID_ARGUMENT, refusal);
            }
        }
        if (typeUrl.isEmpty()) {
            if (ads) {
                return Outcome.refuse(Status.Code.INVALID_ARGUMENT, "a request on an ADS stream must name its type URL; Strait serves "
                        + String.join(", ", SERVED));
            }
        } else if (!SERVED.contains(typeUrl)) {
            if (typeUrl.startsWith(ENVOY_TYPES) && typeUrl.length() <= MAX_ECHOED_CHARS) {
                return Outcome.UNANSWERED;
            }
            return Outcome.refuse(Status.Code.INVALID_ARGUMENT, "unknown type URL " + echo(typeUrl) + "; Strait serves "
                    + String.join(", ", SERVED));
        }
        if (names > limits.maxResourceNamesPerRequest()) {
            return Outcome.refuse(Status.Code.RESOURCE_EXHAUSTED, "the request names " + names + " resources; a front accepts at most "
                    + limits.maxResourceNamesPerRequest() + " per request");
        }
        return Outcome.SERVE;
    }

    /** What the client sent, quoted short and on one line, so that a refusal never carries its payload back. */
    static String echo(String s) {
        String flat = s.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return "\"" + (flat.length() > MAX_ECHOED_CHARS ? flat.substring(0, MAX_ECHOED_CHARS) + "…" : flat) + "\"";
    }
}
