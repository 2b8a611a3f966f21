package dev.nodeipam.cli;

import dev.nodeipam.ipam.ClasslessDefault;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.render.ClasslessText;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.io.PrintWriter;

/** Tells the user when cilium-config, not a flag, decided who owns class-less LoadBalancers. */
final class ClasslessNote {
  private ClasslessNote() {}

  static void print(PrintWriter err, NodeIpamOptions requested, ClusterSnapshot snapshot,
      String state) {
    ClasslessDefault d = ClasslessDefault.resolve(requested, snapshot);
    if (d.worthSaying()) {
      err.println("nodeipam: " + (state == null ? "" : state + ": ") + ClasslessText.sentence(d));
      err.flush();
    }
  }
}
