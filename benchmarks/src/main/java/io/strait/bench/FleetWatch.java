package io.strait.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the fleet waits for, shared by every proxy: the harness adds an {@link Awaited} key before it commits a change
 * and every proxy compares what it ACKs against the keys awaited at the time it received the response, so a proxy
 * keeps one ACK time per key in flight instead of a map of every resource it ever held. The load harness awaits one
 * key per watch (one revision at a time); the soak keeps several in flight, each removed once every affected proxy
 * holds it. A watch also gathers, while it is current, the first response any proxy received (the start of the
 * fan-out), response counts and bytes per type, and the responses one proxy received (the bytes the plain fan-out
 * resends).
 */
final class FleetWatch {
    /** The watch proxies report to; {@code null} between the load harness's revisions (then proxies only ACK). */
    static volatile FleetWatch current;

    /** System.nanoTime of the first response any proxy received after the watch was set; 0 while none. */
    final AtomicLong firstResponseAt = new AtomicLong();
    final LongAdder[] responses = adders();
    final LongAdder[] bytes = adders();
    /** The responses the capturing proxy received while this watch was current, as the wire bytes, in order. */
    final List<Captured> captured = Collections.synchronizedList(new ArrayList<>());
    /** Per xDS type ({@link XdsTypes} index), the keys awaited now; replaced whole on a change (read without a lock). */
    @SuppressWarnings("unchecked")
    private final List<Awaited>[] awaited = new List[] {List.of(), List.of(), List.of(), List.of()};

    /** One response as received: whether it came on a delta stream, and its serialized bytes. */
    record Captured(boolean delta, byte[] bytes) {
    }

    /**
     * One key a change waits for. Identity is the key: a change that brings back what an earlier one had (a weight
     * flipped back) is a new key, held only by an ACK that came after it was added.
     */
    static final class Awaited {
        /** The xDS type the key arrives in ({@link XdsTypes} index). */
        final int type;
        /** A cluster name, a {@code <cluster>=<weight>} of a route, or an endpoint address ({@link ResourceFacts#holds}). */
        final String expect;

        private Awaited(int type, String expect) {
            this.type = type;
            this.expect = expect;
        }

        @Override
        public String toString() {
            return XdsTypes.SHORT[type] + " " + expect;
        }
    }

    /** An empty watch: keys are added as changes are committed. */
    FleetWatch() {
    }

    /** Awaits one more key; proxies record the ACK of a response received from now on that holds it. */
    synchronized Awaited await(int type, String expect) {
        Awaited key = new Awaited(type, expect);
        List<Awaited> next = new ArrayList<>(awaited[type]);
        next.add(key);
        awaited[type] = List.copyOf(next);
        return key;
    }

    /** Stops awaiting a key (every affected proxy holds it); proxies drop its ACK time on their next ACK. */
    synchronized void done(Awaited key) {
        List<Awaited> next = new ArrayList<>(awaited[key.type]);
        next.remove(key);
        awaited[key.type] = List.copyOf(next);
    }

    /** The keys of {@code type} awaited now (an immutable list; empty: a response of that type need not be read). */
    List<Awaited> awaited(int type) {
        return awaited[type];
    }

    /** Whether {@code key} is still awaited. */
    boolean awaits(Awaited key) {
        return awaited[key.type].contains(key);
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
