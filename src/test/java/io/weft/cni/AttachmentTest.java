package io.weft.cni;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.docker.ContainerIds;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

/** Attachment idents: accepted by the agent, stable, distinct, never taken for a container. */
class AttachmentTest {
  /** The agent's ident rule (HTTP and event bus). */
  private static final Pattern AGENT_IDENT =
      Pattern.compile("_|[A-Za-z0-9][A-Za-z0-9_.:\\-]{0,127}");

  @Test
  void readableWhenItFits() {
    String id = "0123456789abcdef".repeat(4);
    assertThat(new Attachment("podnet", id, "eth0").ident())
        .isEqualTo("cni:podnet:eth0:" + id);
    assertThat(Attachment.gatewayIdent("10.32.0.1")).isEqualTo("cni-gateway:10.32.0.1");
    assertThat(new Attachment("podnet", id, "eth0").ident())
        .startsWith(Attachment.prefixOf("podnet"));
  }

  @Test
  void aDigestWhenTooLongOrOddCharacters() {
    String ident = new Attachment("podnet", "x".repeat(200), "eth0").ident();
    assertThat(ident).matches("cni:podnet::[0-9a-f]{40}");
    assertThat(new Attachment("podnet", "abc", "veth@1").ident()).matches("cni:podnet::[0-9a-f]{40}");
  }

  @Property(seed = "1414", tries = 2000)
  void everyIdentIsValidStableAndNeverAContainerId(@ForAll("attachments") Attachment a) {
    String ident = a.ident();
    assertThat(ident).matches(AGENT_IDENT).startsWith(Attachment.prefixOf(a.network()));
    assertThat(ContainerIds.looksLikeContainerId(ident)).isFalse();
    assertThat(new Attachment(a.network(), a.containerId(), a.ifname()).ident()).isEqualTo(ident);
    assertThat(Attachment.gatewayIdent("10.32.0.1")).doesNotStartWith(Attachment.prefixOf(a.network()));
  }

  @Property(seed = "1415", tries = 2000)
  void differentAttachmentsGetDifferentIdents(@ForAll("attachments") Attachment a,
      @ForAll("attachments") Attachment b) {
    if (!a.equals(b)) {
      assertThat(a.ident()).isNotEqualTo(b.ident());
    }
  }

  @Provide
  Arbitrary<Attachment> attachments() {
    Arbitrary<String> network = Arbitraries.of("podnet", "a", "net-1.x", "n".repeat(82));
    Arbitrary<String> container = Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789abcdef").ofLength(64),
        Arbitraries.strings().withChars("ab_-.:/ ").ofMinLength(1).ofMaxLength(150),
        Arbitraries.of("c1", "c2"));
    Arbitrary<String> ifname = Arbitraries.oneOf(Arbitraries.of("eth0", "eth1", "net1"),
        Arbitraries.strings().withChars("abc%@0").ofMinLength(1).ofMaxLength(15));
    return Combinators.combine(network, container, ifname).as(Attachment::new);
  }
}
