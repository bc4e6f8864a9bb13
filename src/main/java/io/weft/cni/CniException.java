package io.weft.cni;

/** A failure the plugin reports to the runtime as the specification's error object. */
final class CniException extends Exception {
  final ErrorCode code;
  final String details;

  CniException(ErrorCode code, String message, String details) {
    super(message, null, false, false);
    this.code = code;
    this.details = details == null ? "" : details;
  }

  CniException(ErrorCode code, String message) {
    this(code, message, "");
  }
}
