package io.strait.xds.ads;

import io.envoyproxy.envoy.service.cluster.v3.ClusterDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.endpoint.v3.EndpointDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.listener.v3.ListenerDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.route.v3.RouteDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.strait.bus.wire.XdsType;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC shell over {@link AdsEngine}: {@code envoy.service.discovery.v3.AggregatedDiscoveryService} (state of the
 * world and delta) and each type's own service (CDS, EDS, LDS, RDS, SDS: a stream fixed to one type), with the normal
 * proto marshaller for requests and {@link ResponseMarshaller} for responses, so what goes out is the engine's shared
 * bytes. Interceptors (the stream guard, the caller's identity) wrap these definitions like any other.
 */
public final class AdsServices {
    private static final Logger LOG = LoggerFactory.getLogger(AdsServices.class);

    private AdsServices() {
    }

    /** Every discovery service the front serves, backed by {@code engine}. */
    public static List<ServerServiceDefinition> of(AdsEngine engine) {
        return List.of(
                service(AggregatedDiscoveryServiceGrpc.SERVICE_NAME, engine, null,
                        AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod(),
                        AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod()),
                service(ClusterDiscoveryServiceGrpc.SERVICE_NAME, engine, XdsType.CDS.typeUrl(),
                        ClusterDiscoveryServiceGrpc.getStreamClustersMethod(), ClusterDiscoveryServiceGrpc.getDeltaClustersMethod()),
                service(EndpointDiscoveryServiceGrpc.SERVICE_NAME, engine, XdsType.EDS.typeUrl(),
                        EndpointDiscoveryServiceGrpc.getStreamEndpointsMethod(), EndpointDiscoveryServiceGrpc.getDeltaEndpointsMethod()),
                service(ListenerDiscoveryServiceGrpc.SERVICE_NAME, engine, XdsType.LDS.typeUrl(),
                        ListenerDiscoveryServiceGrpc.getStreamListenersMethod(), ListenerDiscoveryServiceGrpc.getDeltaListenersMethod()),
                service(RouteDiscoveryServiceGrpc.SERVICE_NAME, engine, XdsType.RDS.typeUrl(),
                        RouteDiscoveryServiceGrpc.getStreamRoutesMethod(), RouteDiscoveryServiceGrpc.getDeltaRoutesMethod()),
                service(SecretDiscoveryServiceGrpc.SERVICE_NAME, engine, AdsEngine.SECRET_TYPE_URL,
                        SecretDiscoveryServiceGrpc.getStreamSecretsMethod(), SecretDiscoveryServiceGrpc.getDeltaSecretsMethod()));
    }

    private static ServerServiceDefinition service(String name, AdsEngine engine, String fixedTypeUrl,
                                                   MethodDescriptor<DiscoveryRequest, DiscoveryResponse> sotw,
                                                   MethodDescriptor<DeltaDiscoveryRequest, DeltaDiscoveryResponse> delta) {
        return ServerServiceDefinition.builder(name)
                .addMethod(sotw.toBuilder(sotw.getRequestMarshaller(), ResponseMarshaller.INSTANCE).build(),
                        new Handler<DiscoveryRequest>(engine, fixedTypeUrl, false))
                .addMethod(delta.toBuilder(delta.getRequestMarshaller(), ResponseMarshaller.INSTANCE).build(),
                        new Handler<DeltaDiscoveryRequest>(engine, fixedTypeUrl, true))
                .build();
    }

    /** Starts one engine stream per call and feeds it the call's requests, one at a time. */
    private record Handler<Q>(AdsEngine engine, String fixedTypeUrl, boolean delta) implements ServerCallHandler<Q, OutboundResponse> {
        @Override
        public ServerCall.Listener<Q> startCall(ServerCall<Q, OutboundResponse> call, Metadata headers) {
            AdsStream stream = engine.open(new AdsStream.Outbound() {
                @Override
                public void send(OutboundResponse response) {
                    call.sendMessage(response);
                }

                @Override
                public void close(Status status) {
                    call.close(status, new Metadata());
                }
            }, fixedTypeUrl, delta);
            call.sendHeaders(new Metadata());
            call.request(1);
            return new ServerCall.Listener<>() {
                @Override
                public void onMessage(Q message) {
                    try {
                        if (message instanceof DiscoveryRequest r) {
                            stream.onRequest(r);
                        } else if (message instanceof DeltaDiscoveryRequest r) {
                            stream.onDeltaRequest(r);
                        }
                    } catch (RuntimeException e) {
                        LOG.error("serving a request of stream {} failed; ending the stream", stream.id(), e);
                        stream.closed();
                        call.close(Status.INTERNAL.withDescription("the front failed to serve this request"), new Metadata());
                        return;
                    }
                    call.request(1);
                }

                @Override
                public void onHalfClose() {
                    stream.halfClosed();
                }

                @Override
                public void onCancel() {
                    stream.closed();
                }

                @Override
                public void onComplete() {
                    stream.closed();
                }
            };
        }
    }
}
