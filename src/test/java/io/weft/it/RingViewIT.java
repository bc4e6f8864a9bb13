package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The ring view in a real browser: three agents from the jar, one page open on the first. The
 * page shows the peers with the shares {@code /status/ipam} gives, a tooltip on every ring range,
 * this host's CNI attachments beside its Docker state, marks a killed peer
 * unreachable and shows a new allocation as it happens, all without reloading. Screenshots of
 * a laptop and a phone window go to {@code target/ring-view/}.
 */
class RingViewIT {
  static final Path SHOTS = Path.of("target", "ring-view");
  /** {@code name(nickname)   N IPs (P% of total)}, as {@code /status/ipam} writes a peer. */
  static final Pattern IPAM_LINE = Pattern.compile(
      "^(\\S+?)\\((\\S*)\\)\\s+(\\d+) IPs \\((\\d+\\.\\d)% of total\\).*$");
  /** A ring segment's tooltip: "N addresses (P%), CIDR[, …]" and "free reported: N". */
  static final Pattern TOOLTIP = Pattern.compile(
      "([\\d,]+) addresses \\(\\d+\\.\\d%\\), (\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+)"
      + "[^\\n]*\\nfree reported: ([\\d,]+)");
  /** What the page's peer table says, read in one go (it is redrawn every two seconds). */
  static final String READ_PEERS = "return [...document.querySelectorAll('#peers tbody tr')]"
      + ".map(tr => tr.dataset.peer + ' ' + tr.dataset.reachable + ' '"
      + " + tr.querySelector('td.owned').textContent.replaceAll(',', '') + ' '"
      + " + tr.querySelector('td.share').textContent)";

  @Test
  void showsPeersSharesAnUnreachablePeerAndNewAllocationsLive(@TempDir Path dir)
      throws Exception {
    Browser.assumeAvailable();
    List<AgentProcess> agents = new ArrayList<>();
    try {
      for (String host : List.of("london", "paris", "berlin")) {
        agents.add(new AgentProcess(dir.resolve(host)));
      }
      AgentProcess.startAll(agents);
      AgentProcess page = agents.get(0);
      AgentProcess victim = agents.get(2);
      for (int i = 0; i < agents.size(); i++) {
        for (int n = 1; n <= 3 + 2 * i; n++) {
          assertThat(agents.get(i).send("POST", "/ip/app-" + i + "-" + n).statusCode())
              .isEqualTo(200);
        }
      }
      // Two CNI attachments as weft-ipam would file them, and its gateway claim, which is none.
      for (String ident : List.of("cni:podman-weft:eth0:" + "ab".repeat(32),
          "cni:podman-weft:eth1:" + "ab".repeat(32))) {
        assertThat(page.send("POST", "/ip/" + ident).statusCode()).isEqualTo(200);
      }
      assertThat(page.send("POST", "/ip/cni-gateway:x").statusCode()).isEqualTo(200);
      assertThat(page.status().getJsonObject("cni")).isEqualTo(new JsonObject()
          .put("attachments", 2).put("networks", new JsonObject().put("podman-weft", 2)));
      // A subnet another peer owns: it donates part of it, so the ring gains ranges.
      String self = page.status().getString("name");
      String lent = new JsonObject(page.get("/status/ring").body()).getJsonArray("ranges")
          .stream().map(JsonObject.class::cast)
          .filter(r -> !r.getString("owner").equals(self) && r.getLong("size") >= 65536)
          .findFirst().orElseThrow().getString("first");
      assertThat(page.send("POST", "/ip/borrowed/" + lent + "/16").statusCode()).isEqualTo(200);
      String victimName = victim.status().getString("name");
      AgentProcess.await(Duration.ofSeconds(30), () -> ipamShares(page).size() == 3,
          "three peers owning space in /status/ipam");

      try (Browser browser = Browser.open(1100, 1050)) {
        browser.driver.get("http://" + page.httpAddr() + "/ui");
        browser.script("window.weftSameDocument = true;");
        browser.await(Duration.ofSeconds(60), () -> pageShares(browser).equals(
            ipamShares(page)), "the page's peers to match /status/ipam");
        assertThat(pageRows(browser)).hasSize(3).allMatch(row -> row.contains(" true "));
        Long arcs = browser.script("return new Set([...document.querySelectorAll('#ring path.arc')]"
            + ".map(p => p.dataset.owner)).size");
        assertThat(arcs).as("ring arcs coloured by three owners").isEqualTo(3L);
        try {
          browser.await(Duration.ofSeconds(20), () -> ringTooltips(browser).equals(
              ringTooltips(page)), "a tooltip on every ring range with its CIDR and counts");
        } catch (AssertionError e) {
          // Says which ranges differ (the await only says that it timed out).
          assertThat(ringTooltips(browser)).as(e.getMessage()).isEqualTo(ringTooltips(page));
        }
        // The page redraws its status every second: an element found before a redraw is stale
        // after it, so read it again until it shows what is expected.
        browser.await(Duration.ofSeconds(20), () -> {
          WebElement cni = browser.driver.findElement(By.id("cni-state"));
          return cni.isDisplayed() && cni.findElement(By.tagName("dd")).getText()
              .equals("2 attachments (podman-weft: 2)");
        }, "the CNI state shown as '2 attachments (podman-weft: 2)'");

        long killed = System.nanoTime();
        victim.kill();
        browser.await(Duration.ofSeconds(120), () -> pageRows(browser).stream()
            .anyMatch(row -> row.startsWith(victimName + " false ")),
            "the killed peer marked unreachable on the page");
        System.out.printf("kill -> peer unreachable on the page: %d ms%n",
            (System.nanoTime() - killed) / 1_000_000);
        assertThat(pageRows(browser)).filteredOn(row -> row.contains(" true ")).hasSize(2);
        Long hatched = browser.script("return document.querySelectorAll('#ring path.gone').length");
        assertThat(hatched).as("the unreachable owner's ranges are marked on the ring")
            .isPositive();
        assertThat(browser.<String>script("return document.getElementById('alerts').textContent"))
            .contains("weft rmpeer berlin");

        long asked = System.nanoTime();
        String allocated = page.send("POST", "/ip/after-the-kill").body().strip();
        browser.await(Duration.ofSeconds(60), () -> Boolean.TRUE.equals(browser.script(
            "return !!document.querySelector('#events li[data-type=allocated]"
            + "[data-id=after-the-kill][data-address=\"' + arguments[0] + '\"]')", allocated)),
            "the new allocation in the event list");
        System.out.printf("allocation -> in the page's event list: %d ms%n",
            (System.nanoTime() - asked) / 1_000_000);
        assertThat(browser.<Boolean>script("return window.weftSameDocument === true"))
            .as("the page was never reloaded").isTrue();
        Path laptop = browser.screenshot(SHOTS.resolve("laptop.png"));

        browser.resize(390, 844);
        browser.await(Duration.ofSeconds(10), () -> Boolean.TRUE.equals(browser.script(
            "return window.innerWidth <= 420")), "the phone-sized window");
        Long overflow = browser.script("return document.documentElement.scrollWidth"
            + " - window.innerWidth");
        assertThat(overflow).as("nothing wider than a phone screen").isLessThanOrEqualTo(0L);
        Path phone = browser.screenshot(SHOTS.resolve("phone.png"));
        System.out.printf("ring view screenshots: %s, %s%n", laptop.toAbsolutePath(),
            phone.toAbsolutePath());
      }
    } finally {
      for (AgentProcess agent : agents) {
        agent.close();
      }
    }
  }

  /** Peer name to "owned share%" from {@code /status/ipam}. */
  static Map<String, String> ipamShares(AgentProcess agent) {
    Map<String, String> shares = new TreeMap<>();
    for (String line : agent.get("/status/ipam").body().strip().split("\n")) {
      Matcher m = IPAM_LINE.matcher(line.strip());
      if (m.matches()) {
        shares.put(m.group(1), m.group(3) + " " + m.group(4) + "%");
      }
    }
    return shares;
  }

  /**
   * First address to the figures its tooltip must carry, from {@code /status/ring}: the first
   * CIDR and the size as the page formats it (the free count, which can lag a redraw, is only
   * required to be there).
   */
  static Map<String, String> ringTooltips(AgentProcess agent) {
    Map<String, String> expected = new TreeMap<>();
    new JsonObject(agent.get("/status/ring").body()).getJsonArray("ranges").stream()
        .map(JsonObject.class::cast)
        .forEach(r -> expected.put(r.getString("first"), r.getJsonArray("cidrs").getString(0)
            + " " + String.format(Locale.ROOT, "%,d", r.getLong("size")) + " addresses"));
    return expected;
  }

  /** First address to those figures, where the SVG {@code <title>} of its ring segment has them. */
  static Map<String, String> ringTooltips(Browser browser) {
    List<List<String>> arcs = browser.script("return [...document.querySelectorAll('#ring path.arc')]"
        + ".map(p => [p.dataset.first, p.querySelector(':scope > title')?.textContent ?? ''])");
    Map<String, String> found = new TreeMap<>();
    for (List<String> arc : arcs) {
      Matcher m = TOOLTIP.matcher(arc.get(1));
      found.put(arc.get(0), m.find() ? m.group(2) + " " + m.group(1) + " addresses"
          : "no tooltip with a CIDR and counts: " + arc.get(1));
    }
    return found;
  }

  static List<String> pageRows(Browser browser) {
    return browser.script(READ_PEERS);
  }

  /** Peer name to "owned share%" as the page's table shows them. */
  static Map<String, String> pageShares(Browser browser) {
    Map<String, String> shares = new TreeMap<>();
    for (String row : pageRows(browser)) {
      String[] f = row.split(" ");
      shares.put(f[0], f[2] + " " + f[3]);
    }
    return shares;
  }
}
