package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class RequestFieldsTest {
  /** The rule as Weave's documentation states it; the hand-written check must agree with it. */
  private static final Pattern IDENT = Pattern.compile("_|[A-Za-z0-9][A-Za-z0-9_.:\\-]{0,127}");

  @Property
  void identCheckAgreesWithTheRule(@ForAll @StringLength(min = 0, max = 140)
      @Chars({'a', 'Z', '0', '9', '_', '.', ':', '-', '/', ' ', 'é', '\u0000'}) String text) {
    assertThat(RequestFields.isIdent(text)).isEqualTo(IDENT.matcher(text).matches());
  }

  @Test
  void identsAtTheEdges() {
    assertThat(RequestFields.isIdent("_")).isTrue();
    assertThat(RequestFields.isIdent("__")).isFalse();
    assertThat(RequestFields.isIdent("")).isFalse();
    assertThat(RequestFields.isIdent("a".repeat(128))).isTrue();
    assertThat(RequestFields.isIdent("a".repeat(129))).isFalse();
    assertThat(RequestFields.isIdent("-a")).isFalse();
    assertThat(RequestFields.isIdent("a:b.c-d_e")).isTrue();
  }
}
