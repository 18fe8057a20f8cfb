package io.strait.xds.ads;

import com.google.protobuf.CodedOutputStream;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.io.IOException;

/**
 * One response as one stream is sent it: a shared {@link PreparedResponse} and this stream's nonce, written as a
 * protobuf field after the shared bytes. The nonce is field 5 of both {@code DiscoveryResponse} and
 * {@code DeltaDiscoveryResponse} (checked against the generated constants below).
 */
public final class OutboundResponse {
    static {
        if (DiscoveryResponse.NONCE_FIELD_NUMBER != DeltaDiscoveryResponse.NONCE_FIELD_NUMBER) {
            throw new IllegalStateException("the nonce is not the same field in both responses");
        }
    }

    private final PreparedResponse prepared;
    private final String nonce;
    private final byte[] tail;

    public OutboundResponse(PreparedResponse prepared, String nonce) {
        this.prepared = prepared;
        this.nonce = nonce;
        this.tail = new byte[CodedOutputStream.computeStringSize(DiscoveryResponse.NONCE_FIELD_NUMBER, nonce)];
        CodedOutputStream out = CodedOutputStream.newInstance(tail);
        try {
            out.writeString(DiscoveryResponse.NONCE_FIELD_NUMBER, nonce);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException(e); // an array of the computed size cannot be short
        }
    }

    public PreparedResponse prepared() {
        return prepared;
    }

    public String nonce() {
        return nonce;
    }

    byte[] tail() {
        return tail;
    }

    /** The bytes on the wire (before gRPC's framing). */
    public int size() {
        return prepared.body().size() + tail.length;
    }

    /** The whole message, for tests and debugging (streams never need it). */
    public byte[] toByteArray() {
        byte[] out = new byte[size()];
        prepared.body().copyTo(out, 0);
        System.arraycopy(tail, 0, out, prepared.body().size(), tail.length);
        return out;
    }
}
