package dev.nodeipam.labels;

import dev.nodeipam.labels.Requirement.Operator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parser for the selector string grammar of Kubernetes ({@code k=v}, {@code k==v}, {@code k!=v},
 * {@code k in (a,b)}, {@code k notin (a)}, {@code k}, {@code !k}, {@code k>1}, {@code k<1}, comma =
 * AND). It accepts and rejects the same strings as the API machinery, so that a Service annotation
 * we accept is one Cilium accepts too.
 */
final class SelectorParser {

  private enum Token {
    END,
    ERROR,
    IDENTIFIER,
    OPEN_PAR,
    CLOSED_PAR,
    COMMA,
    NOT,
    EQUALS,
    DOUBLE_EQUALS,
    NOT_EQUALS,
    GREATER_THAN,
    LESS_THAN,
    IN,
    NOT_IN
  }

  private record Item(Token token, String literal) {}

  private final String text;
  private final List<Item> items = new ArrayList<>();
  private int position;

  SelectorParser(String text) {
    this.text = text;
  }

  LabelSelector parse() {
    scan();
    List<Requirement> requirements = new ArrayList<>();
    while (true) {
      Item next = lookahead(true);
      switch (next.token()) {
        case IDENTIFIER, NOT -> {
          requirements.add(parseRequirement());
          Item after = lookahead(true);
          if (after.token() == Token.END) {
            return new LabelSelector(text, requirements);
          }
          if (after.token() != Token.COMMA) {
            throw error("found '" + after.literal() + "', expected: ',' or 'end of string'");
          }
          consume(true);
          Token following = lookahead(true).token();
          if (following != Token.IDENTIFIER && following != Token.NOT) {
            throw error(
                "found '" + lookahead(true).literal() + "', expected: identifier after ','");
          }
        }
        case END -> {
          return new LabelSelector(text, requirements);
        }
        default ->
            throw error(
                "found '" + next.literal() + "', expected: !, identifier, or 'end of string'");
      }
    }
  }

  private Requirement parseRequirement() {
    Item first = consume(true);
    Operator operator = null;
    if (first.token() == Token.NOT) {
      operator = Operator.DOES_NOT_EXIST;
      first = consume(true);
    }
    if (first.token() != Token.IDENTIFIER) {
      throw error("found '" + first.literal() + "', expected: identifier");
    }
    String key = first.literal();
    String keyProblem = LabelSyntax.keyError(key);
    if (keyProblem != null) {
      throw error("invalid label key \"" + key + "\": " + keyProblem);
    }
    Token after = lookahead(true).token();
    if (after == Token.END || after == Token.COMMA) {
      if (operator == null) {
        operator = Operator.EXISTS;
      }
    }
    if (operator == Operator.EXISTS || operator == Operator.DOES_NOT_EXIST) {
      return new Requirement(key, operator, Set.of());
    }
    operator = parseOperator();
    Set<String> values =
        switch (operator) {
          case IN, NOT_IN -> parseValues();
          default -> parseExactValue();
        };
    return requirement(key, operator, values);
  }

  private Operator parseOperator() {
    Item item = consume(false);
    return switch (item.token()) {
      case IN -> Operator.IN;
      case NOT_IN -> Operator.NOT_IN;
      case EQUALS -> Operator.EQUALS;
      case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
      case NOT_EQUALS -> Operator.NOT_EQUALS;
      case GREATER_THAN -> Operator.GREATER_THAN;
      case LESS_THAN -> Operator.LESS_THAN;
      default ->
          throw error(
              "found '"
                  + item.literal()
                  + "', expected: '=', '!=', '==', 'in', 'notin', '>' or '<'");
    };
  }

  private Set<String> parseValues() {
    Item open = consume(true);
    if (open.token() != Token.OPEN_PAR) {
      throw error("found '" + open.literal() + "', expected: '('");
    }
    Item next = lookahead(true);
    switch (next.token()) {
      case IDENTIFIER, COMMA -> {
        Set<String> values = parseIdentifierList();
        Item close = consume(true);
        if (close.token() != Token.CLOSED_PAR) {
          throw error("found '" + close.literal() + "', expected: ')'");
        }
        return values;
      }
      case CLOSED_PAR -> {
        consume(true);
        // "k in ()" is the set holding the empty value, as the API machinery reads it.
        return Set.of("");
      }
      default -> throw error("found '" + next.literal() + "', expected: ',', ')' or identifier");
    }
  }

  private Set<String> parseIdentifierList() {
    Set<String> values = new LinkedHashSet<>();
    while (true) {
      Item item = consume(true);
      switch (item.token()) {
        case IDENTIFIER -> {
          values.add(item.literal());
          Item next = lookahead(true);
          if (next.token() == Token.CLOSED_PAR) {
            return values;
          }
          if (next.token() != Token.COMMA) {
            throw error("found '" + next.literal() + "', expected: ',' or ')'");
          }
        }
        case COMMA -> {
          // Empty members ("(,a)", "(a,,b)", "(a,)") are the empty value.
          if (values.isEmpty()) {
            values.add("");
          }
          Token next = lookahead(true).token();
          if (next == Token.CLOSED_PAR) {
            values.add("");
            return values;
          }
          if (next == Token.COMMA) {
            consume(true);
            values.add("");
          }
        }
        default -> throw error("found '" + item.literal() + "', expected: ',', or identifier");
      }
    }
  }

  private Set<String> parseExactValue() {
    Token next = lookahead(true).token();
    if (next == Token.END || next == Token.COMMA) {
      return Set.of("");
    }
    Item item = consume(true);
    if (item.token() != Token.IDENTIFIER) {
      throw error("found '" + item.literal() + "', expected: identifier");
    }
    return Set.of(item.literal());
  }

  private Requirement requirement(String key, Operator operator, Set<String> values) {
    if ((operator == Operator.GREATER_THAN || operator == Operator.LESS_THAN)) {
      try {
        Long.parseLong(values.iterator().next());
      } catch (NumberFormatException e) {
        throw error("for 'Gt', 'Lt' operators, the value must be an integer");
      }
    }
    for (String value : values) {
      String problem = LabelSyntax.valueError(value);
      if (problem != null) {
        throw error("invalid label value \"" + value + "\": " + problem);
      }
    }
    return new Requirement(key, operator, values);
  }

  private Item lookahead(boolean valuesContext) {
    Item item = items.get(position);
    return valuesContext ? asValue(item) : item;
  }

  private Item consume(boolean valuesContext) {
    Item item = items.get(position);
    if (position < items.size() - 1) {
      position++;
    }
    return valuesContext ? asValue(item) : item;
  }

  // Where a value is expected, "in" and "notin" are plain words.
  private static Item asValue(Item item) {
    if (item.token() == Token.IN || item.token() == Token.NOT_IN) {
      return new Item(Token.IDENTIFIER, item.literal());
    }
    return item;
  }

  private SelectorSyntaxException error(String message) {
    return new SelectorSyntaxException("unable to parse selector \"" + text + "\": " + message);
  }

  private void scan() {
    int i = 0;
    int n = text.length();
    while (true) {
      while (i < n && isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= n) {
        items.add(new Item(Token.END, ""));
        return;
      }
      char c = text.charAt(i);
      if (isSymbol(c)) {
        // Longest symbol that is a token: "!=" before "!", "==" before "=".
        int start = i;
        Token best = null;
        int bestEnd = i;
        while (i < n && isSymbol(text.charAt(i))) {
          Token candidate = symbol(text.substring(start, i + 1));
          if (candidate != null) {
            best = candidate;
            bestEnd = i + 1;
          } else if (best != null) {
            break;
          }
          i++;
        }
        if (best == null) {
          items.add(new Item(Token.ERROR, text.substring(start, i)));
          items.add(new Item(Token.END, ""));
          return;
        }
        items.add(new Item(best, text.substring(start, bestEnd)));
        i = bestEnd;
      } else {
        int start = i;
        while (i < n && !isWhitespace(text.charAt(i)) && !isSymbol(text.charAt(i))) {
          i++;
        }
        String word = text.substring(start, i);
        Token token =
            switch (word) {
              case "in" -> Token.IN;
              case "notin" -> Token.NOT_IN;
              default -> Token.IDENTIFIER;
            };
        items.add(new Item(token, word));
      }
    }
  }

  private static Token symbol(String s) {
    return switch (s) {
      case "(" -> Token.OPEN_PAR;
      case ")" -> Token.CLOSED_PAR;
      case "," -> Token.COMMA;
      case "!" -> Token.NOT;
      case "=" -> Token.EQUALS;
      case "==" -> Token.DOUBLE_EQUALS;
      case "!=" -> Token.NOT_EQUALS;
      case ">" -> Token.GREATER_THAN;
      case "<" -> Token.LESS_THAN;
      default -> null;
    };
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static boolean isSymbol(char c) {
    return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
  }
}
