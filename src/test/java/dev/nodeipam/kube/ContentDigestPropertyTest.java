package dev.nodeipam.kube;

import static dev.nodeipam.testing.Theories.qt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.Generate.range;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodeipam.testing.Coverage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The digest a load keeps of each object tells documents apart exactly as the documents
 * themselves compare ({@link JsonNode#equals}): the same tree with its mappings' keys in another
 * order has the same digest, and a tree with one thing changed (a scalar, a type, an item moved,
 * a key added) has the same digest only when it is still equal.
 */
class ContentDigestPropertyTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final List<String> KEYS = List.of("a", "b", "name", "labels", "spec", "1");

  @Test
  void theDigestIsEqualExactlyWhenTheDocumentsAre() {
    Coverage coverage = new Coverage("theDigestIsEqualExactlyWhenTheDocumentsAre");
    qt(500).forAll(range(1, 1 << 30), range(0, 5)).checkAssert((seed, change) -> {
      SplittableRandom random = new SplittableRandom(seed);
      JsonNode doc = document(random);
      JsonNode reordered = reordered(doc, random);
      JsonNode changed = changed(doc.deepCopy(), change, random);
      assertThat(ContentDigest.of(reordered)).isEqualTo(ContentDigest.of(doc));
      assertThat(ContentDigest.of(changed).equals(ContentDigest.of(doc)))
          .as("%s against %s", changed, doc)
          .isEqualTo(changed.equals(doc));
      coverage.sample();
      coverage.count("changed into another document", !changed.equals(doc));
      coverage.count("keys in another order", !reordered.toString().equals(doc.toString()));
    });
    coverage.requireShare("changed into another document", 0.5);
    coverage.requireShare("keys in another order", 0.3);
    coverage.print();
  }

  @Test
  void numbersOfAnotherTypeOrScaleAreToldApartAsJacksonTellsThem() {
    List<JsonNode> nodes = List.of(JSON.numberNode(1), JSON.numberNode(1L),
        JSON.numberNode(1.0), JSON.textNode("1"), JSON.booleanNode(true), JSON.nullNode(),
        JSON.numberNode(new BigDecimal("1.0")), JSON.numberNode(new BigDecimal("1.00")));
    for (JsonNode x : nodes) {
      for (JsonNode y : nodes) {
        assertThat(ContentDigest.of(x).equals(ContentDigest.of(y)))
            .as("%s (%s) against %s (%s)", x, x.getClass(), y, y.getClass())
            .isEqualTo(x.equals(y));
      }
    }
  }

  /** A document: a mapping of two to five keys, as every object of a manifest is. */
  private static JsonNode document(SplittableRandom random) {
    ObjectNode doc = JSON.objectNode();
    while (doc.size() < 2 + random.nextInt(4)) {
      doc.set(KEYS.get(random.nextInt(KEYS.size())), tree(random, 2));
    }
    return doc;
  }

  private static JsonNode tree(SplittableRandom random, int depth) {
    int kind = depth == 0 ? random.nextInt(4) : random.nextInt(6);
    switch (kind) {
      case 0:
        return JSON.textNode(KEYS.get(random.nextInt(KEYS.size())));
      case 1:
        return random.nextBoolean() ? JSON.numberNode(random.nextInt(3))
            : JSON.numberNode((long) random.nextInt(3));
      case 2:
        return random.nextBoolean() ? JSON.booleanNode(random.nextBoolean()) : JSON.nullNode();
      case 3:
        return JSON.numberNode(random.nextInt(3) / 2.0);
      case 4:
        ArrayNode list = JSON.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          list.add(tree(random, depth - 1));
        }
        return list;
      default:
        ObjectNode map = JSON.objectNode();
        for (int i = random.nextInt(5); i > 0; i--) {
          map.set(KEYS.get(random.nextInt(KEYS.size())), tree(random, depth - 1));
        }
        return map;
    }
  }

  /** The same document with every mapping's keys shuffled. */
  private static JsonNode reordered(JsonNode node, SplittableRandom random) {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
      node.fields().forEachRemaining(fields::add);
      Collections.shuffle(fields, new Random(random.nextLong()));
      ObjectNode out = JSON.objectNode();
      fields.forEach(f -> out.set(f.getKey(), reordered(f.getValue(), random)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.arrayNode();
      node.elements().forEachRemaining(e -> out.add(reordered(e, random)));
      return out;
    }
    return node;
  }

  /** The document with one change of the given kind somewhere (it may change nothing). */
  private static JsonNode changed(JsonNode node, int change, SplittableRandom random) {
    JsonNode target = node;
    // Down a random path to a container, or stop at the root.
    while (target.isContainerNode() && target.size() > 0 && random.nextInt(3) > 0) {
      JsonNode next = child(target, random);
      if (!next.isContainerNode()) {
        break;
      }
      target = next;
    }
    if (!target.isContainerNode()) {
      return change % 2 == 0 ? JSON.textNode(target.asText()) : tree(random, 2);
    }
    switch (change) {
      case 0: // a scalar replaced by one of another type with the same text
        replaceChild(target, random, c -> c.isInt() ? JSON.numberNode(c.longValue())
            : c.isNumber() ? JSON.textNode(c.asText()) : JSON.numberNode(1));
        break;
      case 1: // a value replaced by another tree
        replaceChild(target, random, c -> tree(random, 1));
        break;
      case 2: // the items of a list in another order, or a key renamed
        if (target.isArray() && target.size() > 1) {
          ArrayNode a = (ArrayNode) target;
          JsonNode first = a.remove(0);
          a.add(first);
        } else if (target.isObject() && target.size() > 0) {
          ObjectNode o = (ObjectNode) target;
          String key = o.fieldNames().next();
          o.set(key + "x", o.remove(key));
        }
        break;
      case 3: // something added
        if (target.isArray()) {
          ((ArrayNode) target).add(JSON.nullNode());
        } else {
          ((ObjectNode) target).set("added", JSON.textNode(""));
        }
        break;
      default: // an equal copy
        break;
    }
    return node;
  }

  private static JsonNode child(JsonNode container, SplittableRandom random) {
    Iterator<JsonNode> items = container.elements();
    JsonNode out = items.next();
    for (int i = random.nextInt(container.size()); i > 0; i--) {
      out = items.next();
    }
    return out;
  }

  private static void replaceChild(JsonNode container, SplittableRandom random,
      UnaryOperator<JsonNode> with) {
    if (container.size() == 0) {
      return;
    }
    int index = random.nextInt(container.size());
    if (container.isArray()) {
      ArrayNode a = (ArrayNode) container;
      a.set(index, with.apply(a.get(index)));
    } else {
      ObjectNode o = (ObjectNode) container;
      Iterator<String> names = o.fieldNames();
      String key = names.next();
      for (int i = index; i > 0; i--) {
        key = names.next();
      }
      o.set(key, with.apply(o.get(key)));
    }
  }
}
