package io.strait.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the revision being timed waits for, shared by the whole fleet: the harness sets it before the commit and every
 * proxy compares what it ACKs against it, so a proxy keeps one ACK time instead of a map of every resource it ever
 * held. It also gathers, for that revision, the first response any proxy received (the start of the fan-out),
 * response counts and bytes per type, and the responses one proxy received (the bytes the plain fan-out resends).
 */
final class FleetWatch {
    /** The revision being timed; {@code null} between revisions (then proxies only ACK). */
    static volatile FleetWatch current;

    /** The xDS type the awaited key arrives in ({@link XdsTypes} index). */
    final int type;
    /** A cluster name, a {@code <cluster>=<weight>} of a route, or an endpoint address. */
    final String expect;
    /** System.nanoTime of the first response any proxy received after the watch was set; 0 while none. */
    final AtomicLong firstResponseAt = new AtomicLong();
    final LongAdder[] responses = adders();
    final LongAdder[] bytes = adders();
    /** The responses the capturing proxy received while this watch was current, as the wire bytes, in order. */
    final List<Captured> captured = Collections.synchronizedList(new ArrayList<>());

    /** One response as received: whether it came on a delta stream, and its serialized bytes. */
    record Captured(boolean delta, byte[] bytes) {
    }

    FleetWatch(int type, String expect) {
        this.type = type;
        this.expect = expect;
    }

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[4];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** Counts a response of {@code type} and {@code size} bytes, and marks the fan-out's start if it is the first. */
    void received(int type, int size, long now) {
        if (firstResponseAt.get() == 0) {
            firstResponseAt.compareAndSet(0, now);
        }
        responses[type].increment();
        bytes[type].add(size);
    }

    /** Per type that was sent during the revision: {@code CDS 10000 x 1234567 B}, for the revision table. */
    String perType() {
        StringBuilder out = new StringBuilder();
        for (int t = 0; t < 4; t++) {
            long n = responses[t].sum();
            if (n > 0) {
                out.append(out.isEmpty() ? "" : ", ").append(XdsTypes.SHORT[t]).append(' ').append(n).append(" x ")
                        .append(bytes[t].sum() / n).append(" B");
            }
        }
        return out.isEmpty() ? "-" : out.toString();
    }
}
