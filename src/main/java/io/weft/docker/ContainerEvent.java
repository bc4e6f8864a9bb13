package io.weft.docker;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * One line of the Docker Engine API's {@code /events} stream, reduced to what IPAM needs: which
 * container, and whether it was created, started, died or went away for good.
 */
public record ContainerEvent(Kind kind, String id) {

  public enum Kind { CREATED, STARTED, DIED, DESTROYED }

  /**
   * Reads one event line. Events of other types or actions (image pulls, {@code exec_start},
   * Podman's {@code init} and {@code cleanup}) give empty.
   *
   * @throws IllegalArgumentException when the line is not an event object
   */
  public static Optional<ContainerEvent> parse(String line) {
    JsonObject event;
    try {
      event = new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("not a JSON object: " + abbreviate(line));
    }
    String type = text(event, "Type");
    if (type != null && !"container".equals(type)) {
      return Optional.empty();
    }
    // "Action" since API 1.22; older engines only send "status" and "id".
    String action = text(event, "Action");
    if (action == null) {
      action = text(event, "status");
    }
    Kind kind = action == null ? null : switch (action) {
      case "create" -> Kind.CREATED;
      case "start", "restart", "unpause" -> Kind.STARTED;
      case "die" -> Kind.DIED;
      case "destroy", "remove" -> Kind.DESTROYED; // Docker says destroy, Podman remove
      default -> null;
    };
    if (kind == null) {
      return Optional.empty();
    }
    JsonObject actor = event.getValue("Actor") instanceof JsonObject a ? a : null;
    String id = actor == null ? null : text(actor, "ID");
    if (id == null) {
      id = text(event, "id");
    }
    if (id == null || !ContainerIds.isFullId(id)) {
      throw new IllegalArgumentException("a container '" + action + "' event without a valid"
          + " container ID: " + abbreviate(line));
    }
    return Optional.of(new ContainerEvent(kind, id));
  }

  private static String text(JsonObject o, String key) {
    return o.getValue(key) instanceof String s ? s : null;
  }

  static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "…";
  }
}
