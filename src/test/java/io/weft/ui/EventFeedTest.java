package io.weft.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EventFeedTest {
  static JsonObject allocated(String id) {
    return new JsonObject().put("type", "allocated").put("id", id);
  }

  @Test
  void keepsTheLatestEventsNumberedInOrder() {
    EventFeed feed = new EventFeed(3);
    for (int i = 1; i <= 5; i++) {
      feed.add(allocated("c" + i), 1000L * i);
    }
    List<EventFeed.Stamped> kept = feed.after(0);
    assertThat(kept).extracting(EventFeed.Stamped::seq).containsExactly(3L, 4L, 5L);
    assertThat(kept.get(0).json().getString("id")).isEqualTo("c3");
    assertThat(kept.get(0).json().getLong("time")).isEqualTo(3000L);
    assertThat(kept.get(0).json().getLong("seq")).isEqualTo(3L);
    assertThat(feed.after(4)).extracting(EventFeed.Stamped::seq).containsExactly(5L);
    assertThat(feed.after(5)).isEmpty();
  }

  @Test
  void tellsEachSubscriberUntilItLeavesEvenFromInsideItsOwnCall() {
    EventFeed feed = new EventFeed(10);
    List<String> seen = new ArrayList<>();
    List<Consumer<EventFeed.Stamped>> self = new ArrayList<>();
    Consumer<EventFeed.Stamped> once = e -> {
      seen.add("once:" + e.event().getString("id"));
      feed.unsubscribe(self.get(0));
    };
    self.add(once);
    feed.subscribe(once);
    feed.subscribe(e -> seen.add("always:" + e.event().getString("id")));
    assertThat(feed.subscribers()).isEqualTo(2);
    feed.add(allocated("a"), 1);
    feed.add(allocated("b"), 2);
    assertThat(seen).containsExactly("once:a", "always:a", "always:b");
    assertThat(feed.subscribers()).isEqualTo(1);
  }

  @Test
  void refusesToKeepNothing() {
    assertThatThrownBy(() -> new EventFeed(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}
