package io.strait.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The physical limit the load harness compares Strait's fan-out with: a plain gRPC server that accepts ADS streams
 * (state of the world and delta), reads and drops what the clients send (their ACKs), and on trigger writes to
 * every stream the same pre-serialized responses — the bytes a simulated proxy received from Strait for a revision
 * — with no control-plane logic at all. Writes respect each stream's flow control, with at most {@code window}
 * streams being written at once, so the server never buffers the whole fleet's bytes.
 *
 * <p>Admin port: {@code /healthz}, {@code /debug/heap} (used heap after a full GC), {@code /streams} (how many are
 * open), {@code POST /fanout} (body: per response one byte — 0 state of the world, 1 delta —, a 4-byte length and the
 * bytes; each stream is sent the responses of its kind, in order; answered once every stream was handed them).
 *
 * <p>Usage: {@code PlainFanOut <xds port> <admin port> [window]}; the harness starts it in its own JVM.
 */
public final class PlainFanOut {
    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final Semaphore window;

    private PlainFanOut(int window) {
        this.window = new Semaphore(window);
    }

    public static void main(String[] args) throws Exception {
        new PlainFanOut(args.length > 2 ? Integer.parseInt(args[2]) : 256).run(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
    }

    /** One open ADS stream: the responses still to write to it, written while its transport is ready. */
    private final class Stream {
        private final ServerCallStreamObserver<byte[]> out;
        private final boolean delta;
        private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
        private boolean writing;

        Stream(StreamObserver<byte[]> out, boolean delta) {
            this.out = (ServerCallStreamObserver<byte[]>) out;
            this.delta = delta;
            this.out.setOnReadyHandler(this::pump);
        }

        synchronized void start(List<byte[]> responses) {
            pending.addAll(responses);
            writing = true;
            pump();
        }

        /** Writes while the stream can take more; releases its window slot once all is handed to the transport. */
        synchronized void pump() {
            while (!pending.isEmpty() && out.isReady()) {
                out.onNext(pending.poll());
            }
            if (writing && pending.isEmpty() && out.isReady()) {
                writing = false;
                window.release();
            }
        }

        synchronized void closed() {
            if (writing) {
                pending.clear();
                writing = false;
                window.release();
            }
        }
    }

    private ServerCalls.BidiStreamingMethod<byte[], byte[]> accept(boolean delta) {
        return out -> {
            Stream stream = new Stream(out, delta);
            streams.add(stream);
            return new StreamObserver<>() {
                @Override
                public void onNext(byte[] request) {
                }

                @Override
                public void onError(Throwable t) {
                    streams.remove(stream);
                    stream.closed();
                }

                @Override
                public void onCompleted() {
                    streams.remove(stream);
                    stream.closed();
                    out.onCompleted();
                }
            };
        };
    }

    private void run(int xdsPort, int adminPort) throws Exception {
        var sotw = AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod().toBuilder(RAW, RAW).build();
        var delta = AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod().toBuilder(RAW, RAW).build();
        ServerServiceDefinition ads = ServerServiceDefinition.builder(AggregatedDiscoveryServiceGrpc.SERVICE_NAME)
                .addMethod(sotw, ServerCalls.asyncBidiStreamingCall(accept(false)))
                .addMethod(delta, ServerCalls.asyncBidiStreamingCall(accept(true))).build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", xdsPort)).addService(ads).build().start();
        HttpServer admin = HttpServer.create(new InetSocketAddress("127.0.0.1", adminPort), 0);
        admin.createContext("/healthz", x -> answer(x, "ok"));
        admin.createContext("/streams", x -> answer(x, String.valueOf(streams.size())));
        admin.createContext("/debug/heap", x -> {
            System.gc();
            Runtime rt = Runtime.getRuntime();
            answer(x, String.valueOf(rt.totalMemory() - rt.freeMemory()));
        });
        admin.createContext("/fanout", x -> {
            List<byte[]> sotwResponses = new ArrayList<>();
            List<byte[]> deltaResponses = new ArrayList<>();
            try (DataInputStream in = new DataInputStream(x.getRequestBody())) {
                int kind;
                while ((kind = in.read()) >= 0) {
                    byte[] bytes = new byte[in.readInt()];
                    in.readFully(bytes);
                    (kind == 1 ? deltaResponses : sotwResponses).add(bytes);
                }
            }
            try {
                for (Stream s : List.copyOf(streams)) {
                    window.acquire();
                    s.start(s.delta ? deltaResponses : sotwResponses);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(x, "sent to " + streams.size());
        });
        admin.start();
        server.awaitTermination();
    }

    private static void answer(HttpExchange x, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(200, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }
}
