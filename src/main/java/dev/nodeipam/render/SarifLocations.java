package dev.nodeipam.render;

import com.contrastsecurity.sarif.ArtifactLocation;
import com.contrastsecurity.sarif.Location;
import com.contrastsecurity.sarif.Message;
import com.contrastsecurity.sarif.PhysicalLocation;
import com.contrastsecurity.sarif.Region;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * SARIF's locations. Apart from {@link Sarif}, whose callers give the diff's {@code Location} of
 * the same simple name.
 */
final class SarifLocations {
  private SarifLocations() {}

  /** A place in a file under {@code %SRCROOT%}, with a message when {@code text} is not null. */
  static Location at(String uri, int line, int column, String text) {
    Location out = new Location()
        .withPhysicalLocation(new PhysicalLocation()
            .withArtifactLocation(new ArtifactLocation().withUri(uri)
                .withUriBaseId(Sarif.SRCROOT))
            .withRegion(new Region().withStartLine(line).withStartColumn(column)));
    if (text != null) {
      out.withMessage(new Message().withText(text));
    }
    return out;
  }

  /** Related locations, numbered from 1 in their order (a result's messages link to them). */
  static Set<Location> numbered(List<Location> locations) {
    Set<Location> out = new LinkedHashSet<>();
    int id = 1;
    for (Location l : locations) {
      out.add(l.withId(id++));
    }
    return out;
  }
}
