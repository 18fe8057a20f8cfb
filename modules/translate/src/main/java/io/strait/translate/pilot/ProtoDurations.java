package io.strait.translate.pilot;

import com.google.protobuf.Duration;
import io.strait.model.istio.Durations;

/** Istio duration strings as protobuf Durations (the schema has already checked their form). */
final class ProtoDurations {
    private ProtoDurations() {
    }

    static Duration of(String text) {
        long nanos = Durations.nanos(text);
        if (nanos < 0) {
            throw new IllegalArgumentException("translator bug: \"" + text + "\" passed validation but is not a duration");
        }
        return Duration.newBuilder().setSeconds(nanos / 1_000_000_000).setNanos((int) (nanos % 1_000_000_000)).build();
    }
}
