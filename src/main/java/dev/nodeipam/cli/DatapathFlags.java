package dev.nodeipam.cli;

import dev.nodeipam.policy.settings.DatapathSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --set KEY=VALUE}: Cilium datapath settings over those of kube-system/cilium-config. */
public final class DatapathFlags {
  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override a cilium-config setting (repeatable): kube-proxy-replacement, bpf-lb-sock,"
              + " bpf-lb-sock-hostns-only, disable-external-ip-mitigation, policy-cidr-match-mode,"
              + " enable-policy, cluster-name, enable-ipv4, enable-ipv6.")
  Map<String, String> set = new LinkedHashMap<>();

  /** The overrides; an unknown key is a usage error that lists the known ones. */
  public Map<String, String> overrides(CommandLine.Model.CommandSpec spec) {
    for (String key : set.keySet()) {
      if (!DatapathSettings.KEYS.contains(key)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--set "
                + key
                + ": unknown setting (known: "
                + String.join(", ", DatapathSettings.KEYS)
                + ")");
      }
    }
    // Values too, at once: a command whose input has no policy would otherwise never read them.
    DatapathSettings.resolve(java.util.Optional.empty(), set, true, false);
    return Map.copyOf(set);
  }
}
