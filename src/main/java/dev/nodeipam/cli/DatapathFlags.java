package dev.nodeipam.cli;

import dev.nodeipam.policy.settings.CiliumVersion;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.policy.settings.SettingsResolution;
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
              + " enable-policy, cluster-name, enable-ipv4, enable-ipv6,"
              + " enable-non-default-deny-policies, enable-envoy-config, enable-sctp,"
              + " bpf-lb-enable-wildcard-entries. Booleans are read as Cilium reads them"
              + " (1, t, true, TRUE, True, 0, f, false, ...).")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(
      names = "--cilium-version",
      paramLabel = "X.Y[.Z]",
      description =
          "The Cilium release the agents run (e.g. 1.17 or 1.16.5): behaviours differ between"
              + " releases. Default: the image tag of the cilium agent DaemonSet in the input,"
              + " else the newest release modelled. The output says which was assumed.")
  String ciliumVersion;

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
    SettingsResolution.check(set);
    Map<String, String> out = new LinkedHashMap<>(set);
    out.putAll(version(spec, ciliumVersion));
    return Map.copyOf(out);
  }

  /**
   * {@code --cilium-version} as a setting ({@code cilium-version -> X.Y[.Z]}), empty when not
   * given; a text that is no release is a usage error.
   */
  static Map<String, String> version(CommandLine.Model.CommandSpec spec, String text) {
    if (text == null) {
      return Map.of();
    }
    try {
      return Map.of(DatapathSettings.CILIUM_VERSION,
          CiliumVersion.parse(text).toString());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--cilium-version: " + e.getMessage());
    }
  }
}
