package io.strait.ca.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class IstioCertificateMessagesTest {

    @Test
    void requestUsesIstiosFieldNumbersAndSkipsUnknownFields() throws Exception {
        Struct meta = Struct.newBuilder().putFields("ImpersonatedIdentity", Value.newBuilder().setStringValue("x").build()).build();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        out.writeString(1, "PEM");
        out.writeString(2, "an unknown field"); // a future field: skipped
        out.writeInt64(3, 3600);
        out.writeMessage(4, meta);
        out.flush();
        IstioCertificateRequest r = IstioCertificateRequest.parse(CodedInputStream.newInstance(buf.toByteArray()));
        assertThat(r.csr()).isEqualTo("PEM");
        assertThat(r.validityDuration()).isEqualTo(3600);
        assertThat(r.metadata()).isEqualTo(meta);
        assertThat(IstioCertificateRequest.parse(CodedInputStream.newInstance(r.toBytes()))).isEqualTo(r);
    }

    @Test
    void responseIsRepeatedStringField1() throws Exception {
        IstioCertificateResponse r = new IstioCertificateResponse(List.of("leaf", "root"));
        byte[] bytes = r.toBytes();
        assertThat(bytes[0]).isEqualTo((byte) 0x0a); // field 1, length-delimited
        assertThat(IstioCertificateResponse.parse(CodedInputStream.newInstance(bytes))).isEqualTo(r);
    }
}
