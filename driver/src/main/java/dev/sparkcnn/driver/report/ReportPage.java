package dev.sparkcnn.driver.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTML of {@code report.html}: a summary table, then one section per picture, each naming the
 * PNG it shows with its pixel size. No scripts, no style sheets or fonts from elsewhere, so it
 * opens offline and from any copy of the model directory.
 */
public final class ReportPage {
    private final String title;
    private final List<String> body = new ArrayList<>();

    public ReportPage(String title) {
        this.title = title;
    }

    /** A two-column table of facts, in order. */
    public ReportPage facts(Map<String, String> rows) {
        StringBuilder s = new StringBuilder("<table class=\"facts\">\n");
        rows.forEach((k, v) -> s.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v))
                .append("</td></tr>\n"));
        body.add(s.append("</table>").toString());
        return this;
    }

    /** A section showing a picture at its own size, with an optional note; its id is the file's base name. */
    public ReportPage picture(String heading, String src, int width, int height, String alt, String note) {
        String id = src.substring(src.lastIndexOf('/') + 1).replaceFirst("\\.[^.]*$", "");
        StringBuilder s = new StringBuilder("<section id=\"").append(escape(id)).append("\">\n<h2>")
                .append(escape(heading)).append("</h2>\n").append("<img src=\"").append(escape(src))
                .append("\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" alt=\"").append(escape(alt)).append("\">\n");
        if (note != null && !note.isEmpty()) {
            s.append("<p class=\"note\">").append(escape(note)).append("</p>\n");
        }
        body.add(s.append("</section>").toString());
        return this;
    }

    /** A headed section of text only (e.g. why a picture is missing). */
    public ReportPage text(String heading, String text) {
        body.add("<section>\n<h2>" + escape(heading) + "</h2>\n<p class=\"note\">" + escape(text) + "</p>\n</section>");
        return this;
    }

    /** A headed list of items. */
    public ReportPage list(String heading, List<String> items) {
        StringBuilder s = new StringBuilder("<section>\n<h2>").append(escape(heading)).append("</h2>\n<ul>\n");
        items.forEach(i -> s.append("<li>").append(escape(i)).append("</li>\n"));
        body.add(s.append("</ul>\n</section>").toString());
        return this;
    }

    public String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
                + "</title>\n<style>\n"
                + "body{font-family:sans-serif;margin:24px auto;max-width:960px;color:#222}\n"
                + "h1{font-size:22px}h2{font-size:17px;margin-top:28px}\n"
                + "table.facts{border-collapse:collapse}table.facts th{text-align:left;padding:2px 16px 2px 0;"
                + "font-weight:normal;color:#555}table.facts td{padding:2px 0}\n"
                + "img{max-width:100%;height:auto;border:1px solid #ddd}p.note{color:#555;font-size:14px}\n"
                + "</style>\n</head>\n<body>\n<h1>" + escape(title) + "</h1>\n" + String.join("\n", body)
                + "\n</body>\n</html>\n";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
