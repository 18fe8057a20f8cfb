package io.strait.ca.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Istio's {@code istio.v1.auth.IstioCertificateResponse}: {@code repeated string cert_chain = 1;}, one PEM certificate
 * per element, leaf first and root last.
 *
 * @param certChain PEM certificates
 */
public record IstioCertificateResponse(List<String> certChain) {
    static final int CERT_CHAIN = 1;

    public IstioCertificateResponse {
        certChain = List.copyOf(certChain);
    }

    /** Protobuf encoding. */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(buf);
            for (String pem : certChain) {
                out.writeString(CERT_CHAIN, pem);
            }
            out.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes a response (used by clients: the agent and the tests). */
    public static IstioCertificateResponse parse(CodedInputStream in) throws IOException {
        List<String> chain = new ArrayList<>();
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return new IstioCertificateResponse(chain);
            }
            if (WireFormat.getTagFieldNumber(tag) == CERT_CHAIN && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                chain.add(in.readStringRequireUtf8());
            } else if (!in.skipField(tag)) {
                return new IstioCertificateResponse(chain);
            }
        }
    }
}
