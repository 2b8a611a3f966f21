package dev.nodeipam.cli;

import dev.nodeipam.policy.model.DnsAnswers;
import dev.nodeipam.snapshot.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --dns NAME=IP} and {@code --dns-file FILE}: the DNS answers toFQDNs rules are judged with
 * (Cilium allows what its DNS proxy saw a selected name resolve to).
 */
public final class DnsFlags {
  @Option(
      names = "--dns",
      paramLabel = "NAME=IP",
      description = "A DNS answer for toFQDNs rules (repeatable): NAME resolves to IP.")
  List<String> dns = new ArrayList<>();

  @Option(
      names = "--dns-file",
      paramLabel = "FILE",
      description = "DNS answers, one \"NAME IP\" per line (# comments and blank lines ignored).")
  Path dnsFile;

  /** The answers; a bad line is one error naming the flag or the file and line. */
  public DnsAnswers answers() {
    DnsAnswers.Builder b = new DnsAnswers.Builder();
    for (String pair : dns) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new BadInputException("--dns " + pair + ": expected NAME=IP");
      }
      try {
        b.add(pair.substring(0, eq), pair.substring(eq + 1));
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--dns " + pair + ": " + e.getMessage());
      }
    }
    if (dnsFile != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(dnsFile);
      } catch (IOException e) {
        throw new BadInputException(dnsFile + ": cannot read the DNS answers ("
            + e.getClass().getSimpleName() + ")");
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\\s+");
        if (parts.length != 2) {
          throw new BadInputException(dnsFile + ":" + (i + 1) + ": expected \"NAME IP\"");
        }
        try {
          b.add(parts[0], parts[1]);
        } catch (IllegalArgumentException e) {
          throw new BadInputException(dnsFile + ":" + (i + 1) + ": " + e.getMessage());
        }
      }
    }
    return b.build();
  }
}
