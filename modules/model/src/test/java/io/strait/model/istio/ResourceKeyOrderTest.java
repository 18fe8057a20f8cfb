package io.strait.model.istio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Resource keys sort as their string forms do: the config topic's keys and every revision's sorted maps rely on it. */
class ResourceKeyOrderTest {

    @Test
    void ordersAsTheStringForms() {
        // short fields from characters on both sides of '/' (and '/' itself), so prefixes and slashes meet often
        String alphabet = "-./0aAz";
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            ResourceKey a = new ResourceKey(field(random, alphabet), field(random, alphabet), field(random, alphabet));
            ResourceKey b = random.nextInt(4) == 0
                    ? new ResourceKey(a.kind(), random.nextBoolean() ? a.namespace() : field(random, alphabet), field(random, alphabet))
                    : new ResourceKey(field(random, alphabet), field(random, alphabet), field(random, alphabet));
            assertThat(Integer.signum(a.compareTo(b)))
                    .as("%s vs %s", a, b)
                    .isEqualTo(Integer.signum(a.toString().compareTo(b.toString())));
        }
    }

    @Test
    void equalKeysCompareEqual() {
        assertThat(new ResourceKey("VirtualService", "ns-1", "r").compareTo(new ResourceKey("VirtualService", "ns-1", "r")))
                .isZero();
        // as strings: "Gateway/ns-a/a" sorts before "Gateway/ns/a" ('-' is below '/')
        assertThat(new ResourceKey("Gateway", "ns", "a")).isGreaterThan(new ResourceKey("Gateway", "ns-a", "a"));
    }

    private static String field(Random random, String alphabet) {
        int length = random.nextInt(4);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
