package io.strait.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.strait.bus.envelope.ScopeManifest;

/**
 * What the engine tells the rest of the front about its streams: who opened one, what was sent, what came back. The
 * front's proxy tracker implements it to register proxies, report ACKs and NACKs to the bus and count pushes.
 * Called with the stream's lock held, in the order things happened on the stream; implementations must not block.
 */
public interface StreamEvents {

    /**
     * A stream's first request. Runs on the request's gRPC thread, so the call's {@link io.grpc.Context} (the secure
     * caller) is current.
     *
     * @return the status the stream is ended with, or null when it is served
     */
    Status opened(long streamId, Node node);

    /**
     * A response went out.
     *
     * @param from the manifest of the view it was built from (null for secrets)
     */
    void sent(long streamId, String typeUrl, String nonce, String version, int bytes, ScopeManifest from);

    /**
     * A client (re)connecting with what this front serves now, so nothing was sent: it holds {@code version}, as if it
     * had been sent and had ACKed it here (versions are content hashes, the same on every front).
     *
     * @param from the manifest of the view it holds (null for secrets)
     */
    void holds(long streamId, String typeUrl, String version, ScopeManifest from);

    /** The client accepted the response it was last sent of this type. */
    void acked(long streamId, String typeUrl, String version);

    /**
     * The client refused the response it was last sent of this type.
     *
     * @param accepted the version it says it still holds (state of the world), or null (delta: unknown)
     */
    void nacked(long streamId, String typeUrl, String refused, String accepted, String error);

    /** The stream ended (any way). Called once, and only for a stream {@link #opened} accepted. */
    void closed(long streamId);

    /** Nothing to tell anyone (tests). */
    StreamEvents NONE = new StreamEvents() {
        @Override
        public Status opened(long streamId, Node node) {
            return null;
        }

        @Override
        public void sent(long streamId, String typeUrl, String nonce, String version, int bytes, ScopeManifest from) {
        }

        @Override
        public void holds(long streamId, String typeUrl, String version, ScopeManifest from) {
        }

        @Override
        public void acked(long streamId, String typeUrl, String version) {
        }

        @Override
        public void nacked(long streamId, String typeUrl, String refused, String accepted, String error) {
        }

        @Override
        public void closed(long streamId) {
        }
    };
}
