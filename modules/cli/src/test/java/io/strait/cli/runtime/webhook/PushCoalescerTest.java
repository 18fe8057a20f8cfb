package io.strait.cli.runtime.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.ingest.source.FetchTrigger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A burst of pushes for one source within the window is one fetch; a push after it is a fetch of its own. */
class PushCoalescerTest {
    @Test
    void aBurstWithinTheWindowIsOneFetchNamingEveryPush() throws Exception {
        List<String> fetches = new CopyOnWriteArrayList<>();
        FetchTrigger trigger = trigger(fetches);
        try (PushCoalescer coalescer = new PushCoalescer(Duration.ofSeconds(1))) {
            for (int i = 0; i < 5; i++) {
                coalescer.offer(trigger, "push " + i);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> fetches.size() == 1);
            assertThat(fetches.get(0)).isEqualTo("push 4 (and 4 earlier pushes)");
            coalescer.offer(trigger, "push 5");
            await().atMost(Duration.ofSeconds(5)).until(() -> fetches.size() == 2);
            assertThat(fetches.get(1)).isEqualTo("push 5");
        }
    }

    private static FetchTrigger trigger(List<String> fetches) {
        return new FetchTrigger() {
            @Override
            public boolean matches(String repoUrl, String ref) {
                return true;
            }

            @Override
            public void fetchNow(String reason) {
                fetches.add(reason);
            }
        };
    }
}
