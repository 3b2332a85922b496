package kata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kata.harness.LogCapture;
import kata.harness.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.codec.StringCodec;

/**
 * What the writers of RedisLink promise (one for broadcasts, one for presence): a writer that is held
 * up holds no other back, a full queue drops what does not fit, counted and said as a full queue (not as
 * Redis not answering), and what was queued goes out once the writer moves again.
 */
@Isolated
class RedisWriterTest {

    @RegisterExtension
    static final RedisServer redis = new RedisServer();

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @Test
    void a_writer_held_up_holds_no_other_back_and_its_full_queue_is_said_as_such_and_not_as_an_outage() throws Exception {
        RedisLink adapter = RedisAdapter.connect(redis.url(), "writers:", Duration.ofSeconds(10));
        try {
            RedisWriter held = adapter.writer("held");
            RedisWriter other = adapter.writer("other");
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            held.submit("a command that takes its time", batch -> {
                holding.countDown();
                waitFor(release);
            });
            assertThat(holding.await(5, TimeUnit.SECONDS)).as("the held writer took its first command").isTrue();
            for (int i = 0; i < RedisLink.WAITING_COMMANDS; i++) {
                assertThat(held.submit("count", batch -> batch.getAtomicLong(adapter.key("count")).incrementAndGetAsync())).isTrue();
            }

            // the queue is full: three more are dropped, at once
            for (int i = 0; i < 3; i++) {
                assertThat(held.submit("count", batch -> batch.getAtomicLong(adapter.key("count")).incrementAndGetAsync())).isFalse();
            }
            assertThat(held.dropped()).isEqualTo(3);
            log.awaitLine("Redis held queue full");
            assertThat(adapter.outage().isDown()).as("a full queue is not an outage: Redis answers").isFalse();
            assertThat(log.text()).doesNotContain("does not answer");

            // the other writer does not wait for the held one
            other.submit("presence", batch -> batch.getBucket(adapter.key("other"), StringCodec.INSTANCE).setAsync("sent"));
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> "sent".equals(value("writers:other")));

            release.countDown();
            // what was queued goes out, and nothing else
            String all = String.valueOf(RedisLink.WAITING_COMMANDS);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> all.equals(value("writers:count")));
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> all.equals(value("writers:count")));
        } finally {
            adapter.shutdown();
        }
    }

    /** The value of a key, or null. */
    private static String value(String key) {
        return redis.command("GET", key).equals("$-1") ? null : redis.bulk("GET", key);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
