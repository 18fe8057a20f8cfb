package io.strait.ca.grpc;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Services that join the {@link SecurePort} after it has started: the port opens with the CA, before the xDS front of
 * the same process has read the bus to its end. Until {@link #register} a call to any method the port does not serve
 * itself ends UNAVAILABLE with {@code pendingReason} (a client retries, as it would against an istiod starting up);
 * after it the registered methods are served and unknown ones are UNIMPLEMENTED, as usual. {@link #withdraw} goes back
 * to UNAVAILABLE when the services stop (a front restarted in place).
 */
public final class DeferredServices extends HandlerRegistry {
    private final String pendingReason;
    private volatile Map<String, ServerMethodDefinition<?, ?>> methods;
    private volatile List<ServerServiceDefinition> services = List.of();

    /** @param pendingReason what a caller is told before the services are registered */
    public DeferredServices(String pendingReason) {
        this.pendingReason = pendingReason;
    }

    /** Serves {@code definitions} from the next call on (replacing any registered before). */
    public void register(List<ServerServiceDefinition> definitions) {
        services = List.copyOf(definitions);
        methods = definitions.stream().flatMap(d -> d.getMethods().stream())
                .collect(Collectors.toUnmodifiableMap(m -> m.getMethodDescriptor().getFullMethodName(), Function.identity()));
    }

    /** The services stopped: calls end UNAVAILABLE again until the next {@link #register}. */
    public void withdraw() {
        methods = null;
        services = List.of();
    }

    public boolean registered() {
        return methods != null;
    }

    @Override
    public List<ServerServiceDefinition> getServices() {
        return services;
    }

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
        Map<String, ServerMethodDefinition<?, ?>> current = methods;
        if (current != null) {
            return current.get(methodName); // null: UNIMPLEMENTED, gRPC's own answer
        }
        return unavailable(methodName);
    }

    /** A handler for any method that refuses the call at once; its messages are never parsed. */
    private ServerMethodDefinition<InputStream, InputStream> unavailable(String methodName) {
        MethodDescriptor.Marshaller<InputStream> raw = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(InputStream value) {
                return value;
            }

            @Override
            public InputStream parse(InputStream stream) {
                return new ByteArrayInputStream(new byte[0]);
            }
        };
        MethodDescriptor<InputStream, InputStream> method = MethodDescriptor.<InputStream, InputStream>newBuilder()
                .setType(MethodDescriptor.MethodType.UNKNOWN).setFullMethodName(methodName)
                .setRequestMarshaller(raw).setResponseMarshaller(raw).build();
        ServerCallHandler<InputStream, InputStream> handler = new ServerCallHandler<>() {
            @Override
            public ServerCall.Listener<InputStream> startCall(ServerCall<InputStream, InputStream> call, Metadata headers) {
                call.close(Status.UNAVAILABLE.withDescription(pendingReason), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
        };
        return ServerMethodDefinition.create(method, handler);
    }
}
