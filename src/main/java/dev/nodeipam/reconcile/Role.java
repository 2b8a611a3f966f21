package dev.nodeipam.reconcile;

/** What this replica may do when it reconciles. */
public enum Role {
  /** The leader: writes statuses and emits Events. */
  WRITER,
  /** Not leading (yet, or any more): decides, writes nothing, emits nothing. */
  STANDBY,
  /** {@code --dry-run}: decides and logs what it would write, writes nothing, emits nothing. */
  DRY_RUN
}
