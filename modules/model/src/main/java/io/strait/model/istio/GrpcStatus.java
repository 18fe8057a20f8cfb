package io.strait.model.istio;

import java.util.List;

/** gRPC status names, as Istio writes them ({@code grpcStatus: UNAVAILABLE}), in code order. */
public final class GrpcStatus {
    /** The names; a name's code is its index. */
    public static final List<String> NAMES = List.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
            "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
            "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");

    private GrpcStatus() {
    }

    /** The code of a name, or -1 for an unknown one. */
    public static int code(String name) {
        return NAMES.indexOf(name);
    }
}
