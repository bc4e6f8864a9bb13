package io.weft.docker;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Container IDs as idents. The engine names a container by 64 hex digits; clients often allocate
 * with the 12-digit short form that {@code docker ps} prints, so both forms stand for it.
 */
public final class ContainerIds {
  public static final int SHORT_LENGTH = 12;
  private static final Pattern FULL = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern ANY = Pattern.compile("[0-9a-f]{12,64}");

  private ContainerIds() {}

  public static boolean isFullId(String id) {
    return FULL.matcher(id).matches();
  }

  /** Whether an ident looks like a container ID (full, short or in between). */
  public static boolean looksLikeContainerId(String ident) {
    return ANY.matcher(ident).matches();
  }

  /** The short form of a full ID. */
  public static String shortForm(String fullId) {
    return fullId.substring(0, SHORT_LENGTH);
  }

  /** The idents that stand for the container with this full ID: short form first. */
  public static List<String> identsOf(String fullId) {
    return List.of(shortForm(fullId), fullId);
  }
}
