package io.weft.ipam;

/**
 * How a request ended, with the failure code the local API answers on the event bus (HTTP uses
 * the same numbers, except that "nothing to free" is a 400 there).
 */
public enum ResultCode {
  OK(200),
  /** The request itself is wrong: a bad ident, subnet or address. */
  BAD_REQUEST(400),
  /** Nothing there: no address to free, no such peer. */
  NOT_FOUND(404),
  /** The address is another ident's, or the subnet is full and only this peer owns it. */
  CONFLICT(409),
  /** Cancelled, too many waiting, or this peer was reset. */
  UNAVAILABLE(503);

  private final int code;

  ResultCode(int code) {
    this.code = code;
  }

  /** The number the event bus and HTTP answer. */
  public int code() {
    return code;
  }
}
