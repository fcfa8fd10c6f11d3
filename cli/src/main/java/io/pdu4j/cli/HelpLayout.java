package io.pdu4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Wraps help text at spaces only, so that an address such as {@code
 * isotek:tcp://10.0.0.5:501?timeout=2s} is never cut in two: picocli wraps at every line-break
 * opportunity of {@link java.text.BreakIterator}, which includes the {@code :} and {@code /} inside
 * a URI, and a user copying the example would copy half of it.
 *
 * <p>Each section but the synopsis is rendered by picocli on one unbounded line per paragraph, then
 * wrapped here at {@link #WIDTH} columns with picocli's hanging indent (the description column of
 * an option list, else the line's own indent). A word longer than the room left goes whole onto a
 * line of its own and may pass the width.
 */
final class HelpLayout {
  /** The width help is wrapped at, picocli's default. */
  static final int WIDTH = 80;

  /** Wide enough that picocli wraps nothing itself. */
  private static final int UNBOUNDED = 10_000;

  /** The option or parameter column ends before this column; a gap later is within a sentence. */
  private static final int MAX_COLUMN = 40;

  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
  private static final Pattern COLUMN_GAP = Pattern.compile("\\S {2,}(?=\\S)");

  private HelpLayout() {}

  /** Installs the wrapping on {@code cl} and every subcommand it has now. */
  static void install(CommandLine cl) {
    cl.setUsageHelpWidth(WIDTH);
    install0(cl);
  }

  private static void install0(CommandLine cl) {
    Map<String, IHelpSectionRenderer> sections = cl.getHelpSectionMap();
    for (Map.Entry<String, IHelpSectionRenderer> e : sections.entrySet()) {
      IHelpSectionRenderer original = e.getValue();
      if (e.getKey().equals(UsageMessageSpec.SECTION_KEY_SYNOPSIS)) {
        continue; // picocli indents a long synopsis under the command; its words hold no URIs
      }
      e.setValue(
          help -> {
            UsageMessageSpec usage = help.commandSpec().usageMessage();
            int width = usage.width();
            usage.width(UNBOUNDED);
            try {
              return wrap(original.render(help), width);
            } finally {
              usage.width(width);
            }
          });
    }
    cl.setHelpSectionMap(sections);
    for (CommandLine sub : cl.getSubcommands().values()) {
      install0(sub);
    }
  }

  /** Wraps every line of {@code text} longer than {@code width} at spaces only. */
  static String wrap(String text, int width) {
    StringBuilder b = new StringBuilder(text.length() + 64);
    int from = 0;
    while (from < text.length()) {
      int nl = text.indexOf('\n', from);
      int end = nl < 0 ? text.length() : nl;
      String line = text.substring(from, end);
      boolean cr = line.endsWith("\r");
      if (cr) {
        line = line.substring(0, line.length() - 1);
      }
      List<String> pieces = wrapLine(line, width);
      for (int i = 0; i < pieces.size(); i++) {
        b.append(pieces.get(i));
        if (i < pieces.size() - 1) {
          b.append(cr ? "\r\n" : "\n");
        }
      }
      if (nl >= 0) {
        b.append(cr ? "\r\n" : "\n");
      }
      from = end + 1;
    }
    return b.toString();
  }

  /** One line as the lines it wraps to. */
  static List<String> wrapLine(String raw, int width) {
    List<String> out = new ArrayList<>();
    String line = raw;
    int indent = -1;
    while (true) {
      // positions in the visible text, mapped back to the raw one (ANSI colours take no columns)
      StringBuilder plain = new StringBuilder(line.length());
      List<Integer> rawAt = new ArrayList<>(line.length() + 1);
      Matcher m = ANSI.matcher(line);
      int i = 0;
      while (i < line.length()) {
        if (m.find(i) && m.start() == i) {
          i = m.end();
          continue;
        }
        rawAt.add(i);
        plain.append(line.charAt(i));
        i++;
      }
      rawAt.add(line.length());
      String p = plain.toString();
      if (p.length() <= width) {
        out.add(line);
        return out;
      }
      if (indent < 0) {
        indent = hangingIndent(p);
      }
      int lead = leadingSpaces(p);
      int cut = -1;
      for (int k = Math.min(width, p.length() - 1); k > Math.max(indent, lead); k--) {
        if (p.charAt(k) == ' ') {
          cut = k;
          break;
        }
      }
      if (cut < 0) {
        // the word does not fit: break after it instead
        for (int k = width + 1; k < p.length(); k++) {
          if (p.charAt(k) == ' ' && k > Math.max(indent, lead)) {
            cut = k;
            break;
          }
        }
      }
      if (cut < 0) {
        out.add(line);
        return out;
      }
      int next = cut;
      while (next < p.length() && p.charAt(next) == ' ') {
        next++;
      }
      if (next >= p.length()) {
        out.add(line.substring(0, rawAt.get(cut)));
        return out;
      }
      out.add(line.substring(0, rawAt.get(cut)).stripTrailing());
      line = " ".repeat(indent) + line.substring(rawAt.get(next));
    }
  }

  /** The description column of an option or parameter row, else the line's own indent. */
  private static int hangingIndent(String plain) {
    int lead = leadingSpaces(plain);
    Matcher gap = COLUMN_GAP.matcher(plain);
    if (lead > 0 && gap.find(lead) && gap.end() < MAX_COLUMN) {
      return gap.end();
    }
    return lead;
  }

  private static int leadingSpaces(String s) {
    int n = 0;
    while (n < s.length() && s.charAt(n) == ' ') {
      n++;
    }
    return n;
  }
}
