package kata.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisServerTest {

    @RegisterExtension
    static final RedisServer redis = new RedisServer();

    @Test
    void answers_on_its_port_and_keeps_nothing_on_disk() {
        assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
        assertThat(redis.command("PING")).isEqualTo("+PONG");
        assertThat(redis.command("CONFIG", "GET", "appendonly")).startsWith("*2");
        assertThat(redis.command("SET", "a", "1")).isEqualTo("+OK");
        assertThat(redis.command("GET", "a")).isEqualTo("$1");
    }

    @Test
    void stops_and_starts_again_on_the_same_port_with_nothing_kept() {
        redis.command("SET", "kept", "1");

        redis.stop();
        assertThat(redis.isRunning()).isFalse();
        assertThat(redis.command("PING")).startsWith("no answer");

        redis.start();
        assertThat(redis.command("PING")).isEqualTo("+PONG");
        assertThat(redis.command("EXISTS", "kept")).as("--save '': a restart starts empty").isEqualTo(":0");
    }
}
