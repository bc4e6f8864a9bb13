package io.weft.cni;

import java.util.Optional;

/** The value of {@code CNI_COMMAND}. */
enum Command {
  ADD, DEL, CHECK, GC, STATUS, VERSION;

  static Optional<Command> of(String text) {
    for (Command c : values()) {
      if (c.name().equals(text)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** Commands about one attachment: they need the container ID and interface name. */
  boolean namesAnAttachment() {
    return this == ADD || this == DEL || this == CHECK;
  }
}
