package io.weft.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading the agent's answers; the requests themselves are tested against a real agent. */
class AgentHttpTest {

  private static AgentHttp.Response parse(String raw) throws IOException {
    return AgentHttp.parse(raw.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsAPlainBody() throws IOException {
    AgentHttp.Response r = parse("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n"
        + "content-length: 13\r\n\r\n10.32.0.1/12\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("10.32.0.1/12");
    assertThat(r.ok()).isTrue();
  }

  @Test
  void readsAnEmptyAnswerAndAnError() throws IOException {
    assertThat(parse("HTTP/1.1 204 No Content\r\n\r\n")).isEqualTo(new AgentHttp.Response(204, ""));
    AgentHttp.Response r = parse("HTTP/1.1 409 Conflict\r\ncontent-length: 5\r\n\r\nfull\n");
    assertThat(r.ok()).isFalse();
    assertThat(r.body()).isEqualTo("full");
  }

  @Test
  void readsAChunkedBody() throws IOException {
    assertThat(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;x=y\r\n{\"a\":\r\n3\r\n1}\n\r\n0\r\n\r\n").body()).isEqualTo("{\"a\":1}");
  }

  @Test
  void refusesWhatIsNotAnHttpResponse() {
    assertThatThrownBy(() -> parse("SSH-2.0-OpenSSH\r\n")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parse("HTTP/1.1 2xx OK\r\n\r\n")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "ff\r\nshort")).isInstanceOf(IOException.class);
  }

  @Test
  void encodesIdentsAsOnePathSegment() {
    assertThat(AgentHttp.segment("cni:net:eth0:abc")).isEqualTo("cni%3Anet%3Aeth0%3Aabc");
    assertThat(AgentHttp.segment("a b/c")).isEqualTo("a%20b%2Fc");
  }
}
