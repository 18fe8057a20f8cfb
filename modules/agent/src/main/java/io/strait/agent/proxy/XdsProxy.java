package io.strait.agent.proxy;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.strait.agent.socket.UnixSocketServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * istio-agent's xDS proxy: a plain-text gRPC server on a local Unix socket ({@code DIR/XDS}) that forwards every call
 * — whatever the method (ADS state of the world and delta, LRS, anything newer) — to the control plane's secure port
 * over the upstream channel, which carries the workload's mTLS identity. It exists because grpc-java cannot speak
 * mTLS to an xDS server from its bootstrap (it ignores gRFC A65's {@code tls} config), so the bootstrap points here
 * with {@code insecure} credentials instead.
 *
 * <p>Calls are forwarded as opaque bytes, every call as a bidi stream (a unary call is one too, on the wire), one
 * message asked for at a time on each side so a slow peer holds the other back instead of buffering. Headers and
 * trailers pass both ways. When the upstream call ends — the control plane closed it, or the connection broke — the
 * downstream call ends with the same status, so the client reconnects as it would to the control plane directly. A
 * new call uses the channel {@link UpstreamChannel} holds at that moment, so a rotated certificate serves new
 * calls while open streams finish on the connection they started on.
 */
public final class XdsProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(XdsProxy.class);
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new RawBytes();

    private final UpstreamChannel upstream;
    private final UnixSocketServer server;

    /** Serves on {@code socket}, forwarding to {@code upstream}. */
    public XdsProxy(Path socket, UpstreamChannel upstream) throws IOException {
        this.upstream = upstream;
        this.server = new UnixSocketServer(socket, List.of(), new Forwarding());
    }

    public Path socket() {
        return server.path();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Every method name is found: a forwarder for it. */
    private final class Forwarding extends HandlerRegistry {
        @Override
        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            MethodDescriptor<byte[], byte[]> method = MethodDescriptor.newBuilder(BYTES, BYTES)
                    .setFullMethodName(methodName)
                    .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                    .build();
            return ServerMethodDefinition.create(method, new Forwarder(method));
        }
    }

    private final class Forwarder implements ServerCallHandler<byte[], byte[]> {
        private final MethodDescriptor<byte[], byte[]> method;

        Forwarder(MethodDescriptor<byte[], byte[]> method) {
            this.method = method;
        }

        @Override
        public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> downstream, Metadata headers) {
            ClientCall<byte[], byte[]> call = upstream.channel().newCall(method, CallOptions.DEFAULT);
            // ClientCall.Listener callbacks are serialized, so the downstream call's send methods (which are not
            // thread-safe) are only ever called from here; request() is thread-safe on both calls
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onHeaders(Metadata upstreamHeaders) {
                    downstream.sendHeaders(upstreamHeaders);
                }

                @Override
                public void onMessage(byte[] message) {
                    downstream.sendMessage(message);
                    call.request(1);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    if (!status.isOk()) {
                        LOG.info("xDS proxy: upstream {} ended: {} {}", method.getFullMethodName(), status.getCode(),
                                status.getDescription() == null ? "" : status.getDescription());
                    }
                    try {
                        downstream.close(status, trailers);
                    } catch (IllegalStateException e) {
                        // the downstream call was already closed (it cancelled first)
                    }
                }
            }, headers);
            call.request(1);
            downstream.request(1);
            return new ServerCall.Listener<>() {
                @Override
                public void onMessage(byte[] message) {
                    call.sendMessage(message);
                    downstream.request(1);
                }

                @Override
                public void onHalfClose() {
                    call.halfClose();
                }

                @Override
                public void onCancel() {
                    call.cancel("the xDS client went away", null);
                }
            };
        }
    }

    /** Messages as the bytes on the wire: the proxy never parses what it forwards. */
    private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
