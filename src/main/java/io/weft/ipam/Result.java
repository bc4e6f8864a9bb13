package io.weft.ipam;

import io.weft.net.PrefixedAddress;
import java.util.List;

/**
 * The answer to a request: a value, or a failure with a {@link ResultCode} and a message saying
 * what went wrong. Answers that free addresses also carry them as values.
 *
 * @param value the address, message or state word answered; for a failure, the message
 * @param freed the addresses a free or delete released, in the order they were freed
 */
public record Result(ResultCode code, String value, List<PrefixedAddress> freed) {
  public Result {
    freed = List.copyOf(freed);
  }

  public static Result ok(String value) {
    return new Result(ResultCode.OK, value, List.of());
  }

  /** Addresses released: the value is them space-separated, as the original API printed. */
  public static Result freed(List<PrefixedAddress> addresses) {
    StringBuilder text = new StringBuilder();
    for (PrefixedAddress a : addresses) {
      text.append(text.length() == 0 ? "" : " ").append(a);
    }
    return new Result(ResultCode.OK, text.toString(), addresses);
  }

  public static Result failed(ResultCode code, String message) {
    return new Result(code, message, List.of());
  }

  public boolean isOk() {
    return code == ResultCode.OK;
  }
}
