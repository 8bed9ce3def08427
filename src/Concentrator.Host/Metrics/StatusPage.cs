using System.Globalization;
using System.Net;
using System.Text;
using Concentrator.Server.Management;

namespace Concentrator.Host.Metrics;

/// <summary>What the status page shows, gathered through the management API's questions (<see cref="ManagementActor"/>)
/// at the moment of the request, plus the sampler's setup-rate history.</summary>
internal sealed record StatusView(
    Statistics Statistics,
    PoolList Pools,
    InterfaceList Interfaces,
    IReadOnlyList<RateSample> History,
    TimeSpan Interval,
    string Dataplane,
    DateTimeOffset At);

/// <summary>
/// The read-only status page, rendered on the server as one HTML document (no script; it reloads itself every
/// interval with a meta refresh): IKE SA counts, interfaces, pools with utilisation bars, the setup-rate history as
/// an inline SVG bar chart and the most frequent failure causes. Every number carries an id or a data- attribute, so
/// a test (or a scraper) can find it in the DOM.
/// </summary>
internal static class StatusPage
{
    /// <summary>How many failure causes the page lists, most frequent first.</summary>
    public const int TopFailures = 10;

    public static string Render(StatusView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var s = view.Statistics;
        var html = new StringBuilder(8192);
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="refresh" content="{{Math.Max(1, (int)view.Interval.TotalSeconds)}}">
            <title>Concentrator status</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
            h1 { font-size: 1.4em; margin: 0 0 .2em; } h2 { font-size: 1.1em; margin: 1.4em 0 .4em; }
            .meta { color: #666; margin: 0; }
            table { border-collapse: collapse; background: #fff; }
            th, td { border: 1px solid #ddd; padding: .3em .7em; text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            .tiles { display: flex; gap: 1em; flex-wrap: wrap; }
            .tile { background: #fff; border: 1px solid #ddd; padding: .5em 1em; min-width: 8em; }
            .tile .n { font-size: 1.8em; font-weight: 600; display: block; }
            .bar { width: 12em; height: .9em; background: #e5e5e5; display: inline-block; vertical-align: middle; }
            .fill { height: 100%; background: #2f7ed8; }
            .fill.high { background: #d8572f; }
            svg rect.setups { fill: #2f7ed8; } svg rect.failures { fill: #d8572f; }
            svg rect.frame { fill: #fff; stroke: #ddd; }
            </style>
            </head>
            <body>
            <h1>Concentrator</h1>
            <p class="meta">dataplane {{E(view.Dataplane)}} &middot; as of <time datetime="{{view.At.UtcDateTime:O}}">{{view.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}} UTC</time> &middot; <a href="/metrics">/metrics</a></p>
            <section id="sas">
            <h2>IKE SAs</h2>
            <div class="tiles">

            """);
        Tile(html, "established", "established", s.Established);
        Tile(html, "half-open", "half-open", s.HalfOpen);
        Tile(html, "setups", "setups since start", s.Setups);
        Tile(html, "handshakes", "handshakes started", s.HandshakesStarted);
        Tile(html, "failures", "failed handshakes", s.Failures.Values.Sum());
        Tile(html, "cookies", "cookies sent", s.CookiesSent);
        html.Append("</div>\n</section>\n");
        Interfaces(html, view.Interfaces);
        Pools(html, view.Pools);
        History(html, view.History, view.Interval);
        Failures(html, s.Failures);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Tile(StringBuilder html, string id, string label, long value) =>
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"tile\"><span class=\"n\" id=\"{id}\">{value}</span>{E(label)}</div>\n");

    private static void Interfaces(StringBuilder html, InterfaceList list)
    {
        html.Append("<section id=\"interfaces\">\n<h2>Interfaces</h2>\n<table>\n<thead><tr><th>interface</th><th>index</th><th>connections</th><th>routes</th><th>IKE SAs</th></tr></thead>\n<tbody>\n");
        foreach (var i in list.Interfaces.OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr data-interface=\"{E(i.Name)}\"><td>{E(i.Name)}{(i.Managed ? "" : i.Index is null ? "" : " (adopted)")}</td><td class=\"n\">{(i.Index is { } index ? index.ToString(CultureInfo.InvariantCulture) : "&ndash;")}</td>"
                + $"<td>{E(string.Join(", ", i.Connections))}</td><td>{(i.Routes.Count == 0 ? "&ndash;" : E(string.Join(", ", i.Routes)))}</td><td class=\"n sas\">{i.Sas}</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void Pools(StringBuilder html, PoolList list)
    {
        html.Append("<section id=\"pools\">\n<h2>Pools</h2>\n<table>\n<thead><tr><th>pool</th><th>connections</th><th>leased</th><th>size</th><th>free</th><th>utilisation</th></tr></thead>\n<tbody>\n");
        foreach (var p in list.Pools)
        {
            // Utilisation = what is not free (leased, or kept for an identity that may come back) over the size.
            var used = p.Size == 0 ? 0 : Math.Min(100.0, 100.0 * p.Remembered / p.Size);
            html.Append(CultureInfo.InvariantCulture,
                $"<tr data-pool=\"{E(p.Prefix)}\"><td>{E(p.Prefix)}</td><td>{E(string.Join(", ", p.Connections))}</td>"
                + $"<td class=\"n leased\">{p.Leased}</td><td class=\"n size\">{p.Size}</td><td class=\"n free\">{p.Free}</td>"
                + $"<td><div class=\"bar\" title=\"{used:0.#}% not free\"><div class=\"fill{(used >= 90 ? " high" : "")}\" style=\"width:{used:0.##}%\"></div></div> <span class=\"utilisation\">{used:0.#}%</span></td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void History(StringBuilder html, IReadOnlyList<RateSample> samples, TimeSpan interval)
    {
        const int barWidth = 8, height = 80;
        var seconds = interval.TotalSeconds;
        var peak = samples.Count == 0 ? 0 : samples.Max(x => Math.Max(x.Setups, x.Failures));
        html.Append(CultureInfo.InvariantCulture,
            $"<section id=\"rate\">\n<h2>Setup rate</h2>\n<p class=\"meta\">setups (blue) and failed handshakes (red) per {seconds:0.#} s interval, oldest left; "
            + $"<span id=\"rate-samples\">{samples.Count}</span> interval(s), peak <span id=\"rate-peak\">{peak}</span>"
            + $" (<span id=\"rate-peak-per-second\">{(seconds > 0 ? peak / seconds : 0):0.##}</span>/s), last <span id=\"rate-last\">{(samples.Count > 0 ? samples[^1].Setups : 0)}</span>,"
            + $" <span id=\"rate-total\">{samples.Sum(x => x.Setups)}</span> setup(s) in all</p>\n");
        html.Append(CultureInfo.InvariantCulture,
            $"<svg width=\"{Math.Max(1, samples.Count) * (barWidth + 2)}\" height=\"{height}\" role=\"img\" aria-label=\"setups per interval\">\n"
            + $"<rect class=\"frame\" x=\"0\" y=\"0\" width=\"100%\" height=\"100%\"></rect>\n");
        for (var i = 0; i < samples.Count; i++)
        {
            var x = i * (barWidth + 2);
            Bar(html, "setups", x, barWidth / 2 + 1, samples[i].Setups, peak, height, samples[i]);
            Bar(html, "failures", x + barWidth / 2 + 1, barWidth / 2 - 1, samples[i].Failures, peak, height, samples[i]);
        }

        html.Append("</svg>\n</section>\n");
    }

    private static void Bar(StringBuilder html, string kind, int x, int width, long value, long peak, int height, RateSample sample)
    {
        var h = peak == 0 ? 0 : Math.Max(value > 0 ? 1 : 0, (int)Math.Round((double)value / peak * height));
        html.Append(CultureInfo.InvariantCulture,
            $"<rect class=\"{kind}\" x=\"{x}\" y=\"{height - h}\" width=\"{width}\" height=\"{h}\"><title>{sample.At.UtcDateTime:HH:mm:ss}: {value} {kind}</title></rect>\n");
    }

    private static void Failures(StringBuilder html, IReadOnlyDictionary<string, long> failures)
    {
        html.Append("<section id=\"failures\">\n<h2>Top failure causes</h2>\n");
        if (failures.Count == 0)
        {
            html.Append("<p class=\"meta\">none since start</p>\n</section>\n");
            return;
        }

        html.Append("<table>\n<thead><tr><th>cause</th><th>handshakes</th></tr></thead>\n<tbody>\n");
        foreach (var (cause, count) in failures.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Take(TopFailures))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr data-cause=\"{E(cause)}\"><td>{E(cause)}</td><td class=\"n count\">{count}</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
