package io.weft.dockerplugin;

/** A request the driver refuses: answered {@code {"Err": message}}, which Docker shows. */
final class DriverException extends RuntimeException {
  DriverException(String message) {
    super(message, null, false, false);
  }

  static String abbreviate(Object value) {
    String text = String.valueOf(value);
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }
}
