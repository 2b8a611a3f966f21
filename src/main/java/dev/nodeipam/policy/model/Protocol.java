package dev.nodeipam.policy.model;

import java.util.Locale;

/** The L4 protocols a flow can use. */
public enum Protocol {
  TCP,
  UDP,
  SCTP;

  /** Reads {@code tcp}, {@code TCP}, ...; null when the text names no protocol. */
  public static Protocol parse(String text) {
    if (text == null) {
      return null;
    }
    return switch (text.toUpperCase(Locale.ROOT)) {
      case "TCP" -> TCP;
      case "UDP" -> UDP;
      case "SCTP" -> SCTP;
      default -> null;
    };
  }
}
