package io.weft.ipam;

/**
 * The answer to a request: a value, or a failure with a code (400 bad request, 404 nothing
 * there, 409 conflict, 503 shutting down or cancelled) and a message saying what went wrong.
 */
public record Result(int code, String value) {
  public static final int OK = 200;
  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int UNAVAILABLE = 503;

  public static Result ok(String value) {
    return new Result(OK, value);
  }

  public static Result failed(int code, String message) {
    return new Result(code, message);
  }

  public boolean isOk() {
    return code == OK;
  }
}
