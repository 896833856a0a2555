/**
 * The monitoring dashboard (`GET /`) in a real headless Chromium: once
 * against a small server whose /metrics and /health the test writes (rates,
 * fill bar, connections, health, escaping), once against a real agent whose
 * /metrics the rendered numbers must match. Without a Chromium (none on
 * PATH, and not root with apt-get to install Debian's) the browser tests are
 * ignored and their names say why.
 *
 * @module
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { DASHBOARD_HTML } from "../../src/monitoring/dashboard_page.ts";
import { AgentProcess, tempConf } from "../support/agent_process.ts";
import { withTimeout } from "../support/async.ts";
import { dumpDom, locateChromium } from "../support/chromium.ts";
import { withTempDir } from "../support/cli.ts";

const CHROMIUM = await locateChromium();
const SKIPPED = CHROMIUM.path ? "" : ` (ignored: ${CHROMIUM.reason})`;

/** One rendered value: an element with data-component and data-field. */
interface Rendered {
  /** Its data-value attribute: the raw value. */
  readonly value: string | undefined;
  /** Its text. */
  readonly text: string;
}

/** A parsed `--dump-dom`: rendered values, component rows and chart lines. */
interface Dashboard {
  /** Rendered values by `component field`. */
  readonly values: ReadonlyMap<string, Rendered>;
  /** The data-component of every table row, with its data-kind. */
  readonly rows: ReadonlyMap<string, string>;
  /** The chart's polylines: series name to its data-points and point count. */
  readonly series: ReadonlyMap<string, { readonly dataPoints: number; readonly points: number }>;
  /** Every attribute of the #agent-status and #updated elements. */
  readonly status: Readonly<Record<string, string>>;
  readonly updated: Readonly<Record<string, string>>;
  /** The serialized DOM itself. */
  readonly html: string;
}

Deno.test("dashboard page loads nothing from elsewhere and its script compiles", () => {
  const urls = DASHBOARD_HTML.match(/\b(?:https?:)?\/\/[\w.-]+[^\s"'<>)]*/g) ?? [];
  deepStrictEqual(urls.filter((u) => u !== "http://www.w3.org/2000/svg"), []);
  ok(!/\bsrc\s*=/.test(DASHBOARD_HTML), "no src= attribute");
  ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(DASHBOARD_HTML));
  const scripts = [...DASHBOARD_HTML.matchAll(/<script>([\s\S]*?)<\/script>/g)];
  strictEqual(scripts.length, 1);
  // Compiles the inline script (no run): a syntax error fails here, not only in a browser.
  new Function(scripts[0][1]);
});

Deno.test({
  name: `dashboard renders fake /metrics and /health, escaping every value${SKIPPED}`,
  ignore: !CHROMIUM.path,
  async fn(): Promise<void> {
    const hostile = "SOURCE.<img src=x onerror=alert(1)>";
    let reads = 0;
    const metrics = (): Record<string, Record<string, string>> => {
      reads++;
      return {
        "SOURCE.w1": {
          Type: "SOURCE",
          StartTime: "1733100000000",
          StopTime: "0",
          EventReceivedCount: String(20 * reads),
          EventAcceptedCount: String(20 * reads),
          OpenConnectionCount: "1",
        },
        [hostile]: { Type: "SOURCE", EventAcceptedCount: "<b>7</b>", OpenConnectionCount: "0" },
        "CHANNEL.c1": {
          Type: "CHANNEL",
          ChannelSize: "250",
          ChannelCapacity: "1000",
          ChannelFillPercentage: "25.0",
          EventPutSuccessCount: String(20 * reads),
          EventTakeSuccessCount: String(10 * reads),
        },
        "SINK.k1": {
          Type: "SINK",
          EventDrainAttemptCount: String(10 * reads),
          EventDrainSuccessCount: String(10 * reads),
        },
      };
    };
    const health = {
      status: "down",
      components: {
        "SOURCE.w1": { status: "ok", type: "websocket", connected: true, consecutiveFailures: 0 },
        [hostile]: {
          status: "down",
          reason: "<script>alert(2)</script> & refused",
          consecutiveFailures: 3,
        },
        "CHANNEL.c1": { status: "ok" },
        "SINK.k1": { status: "ok", consecutiveFailures: 2 },
      },
    };
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => {
        const path = new URL(request.url).pathname;
        if (path === "/") return new Response(DASHBOARD_HTML, { headers: HTML });
        if (path === "/metrics") return Response.json(metrics());
        if (path === "/health") return Response.json(health, { status: 503 });
        return new Response("Not found", { status: 404 });
      },
    );
    const dom = await dumpDom(`http://127.0.0.1:${server.addr.port}/`, {
      chromium: CHROMIUM.path,
      waitMs: 4500,
    });
    const page = parseDashboard(dom);

    ok(reads >= 4, `the page read /metrics ${reads} times in 4.5 s`);
    strictEqual(page.status["data-value"], "down");
    ok(Number(page.updated["data-refreshes"]) >= 4);
    deepStrictEqual(
      [...page.rows].sort(),
      [["CHANNEL.c1", "CHANNEL"], ["SINK.k1", "SINK"], ["SOURCE.w1", "SOURCE"], [hostile, "SOURCE"]]
        .sort(),
    );
    const last = 20 * (reads - 1); // the page's last read was the one before the latest at most
    const accepted = Number(value(page, "SOURCE.w1", "EventAcceptedCount").value);
    ok(accepted >= last && accepted <= 20 * reads, `accepted ${accepted}`);
    strictEqual(value(page, "SOURCE.w1", "OpenConnectionCount").text, "1");
    strictEqual(value(page, "SOURCE.w1", "health").text, "ok");
    strictEqual(value(page, "SOURCE.w1", "connected").text, "connected");
    strictEqual(value(page, "SOURCE.w1", "componentType").text, "websocket");
    strictEqual(value(page, hostile, "connected").text, "", "no connected in its /health");
    // 20 events a read, a read a (virtual) second.
    const rate = Number(value(page, "SOURCE.w1", "EventsPerSecond").value);
    ok(rate > 10 && rate < 30, `source rate ${rate}`);
    const sinkRate = Number(value(page, "SINK.k1", "EventsPerSecond").value);
    ok(sinkRate > 5 && sinkRate < 15, `sink rate ${sinkRate}`);
    strictEqual(value(page, "CHANNEL.c1", "ChannelFillPercentage").value, "25.0");
    strictEqual(value(page, "CHANNEL.c1", "ChannelFillPercentage").text, "25.0 %");
    ok(/<span class="bar[^"]*"[^>]*><div style="width: 25%;?"><\/div>/.test(page.html), "bar");
    strictEqual(value(page, "CHANNEL.c1", "ChannelSize").text, "250");

    // Hostile text arrives as text: escaped in the serialized DOM, no element made of it.
    strictEqual(value(page, hostile, "EventAcceptedCount").text, "<b>7</b>");
    strictEqual(value(page, hostile, "health").text, "down");
    strictEqual(
      value(page, hostile, "healthReason").text,
      "<script>alert(2)</script> & refused",
    );
    strictEqual(value(page, hostile, "consecutiveFailures").text, "", "its reason says it");
    strictEqual(value(page, "SINK.k1", "consecutiveFailures").text, "2 failures in a row");
    ok(!/<img\b/i.test(page.html), "no <img> element");
    ok(!/<script>alert/.test(page.html), "no injected <script>");
    strictEqual((page.html.match(/<b>/g) ?? []).length, 0, "no injected <b>");

    for (const name of ["SOURCE.w1", "SINK.k1"]) {
      const line = page.series.get(name);
      ok(line && line.points >= 3 && line.points === line.dataPoints, `${name}: ${line}`);
    }
    ok(!page.series.has("CHANNEL.c1"), "channels are not charted");
  },
});

Deno.test({
  name: `dashboard of a running agent shows its /metrics${SKIPPED}`,
  ignore: !CHROMIUM.path,
  async fn(): Promise<void> {
    const totalEvents = 300;
    await withTempDir(async (dir) => {
      const conf = await tempConf(
        dir,
        [
          "a1.sources = s1",
          "a1.channels = c1",
          "a1.sinks = k1",
          "a1.sources.s1.type = seq",
          `a1.sources.s1.totalEvents = ${totalEvents}`,
          "a1.sources.s1.batchSize = 10",
          "a1.sources.s1.channels = c1",
          "a1.channels.c1.type = memory",
          "a1.channels.c1.capacity = 1000",
          "a1.sinks.k1.type = null",
          "a1.sinks.k1.channel = c1",
          "",
        ].join("\n"),
      );
      const agent = new AgentProcess([
        "-n",
        "a1",
        "-f",
        conf,
        "-Dflume.monitoring.type=http",
        "-Dflume.monitoring.port=0",
      ], { NO_COLOR: "1" });
      try {
        const [line] = await agent.waitFor(MONITORING_LINE);
        const base = line.match(MONITORING_LINE)![1];
        const before = await withTimeout(
          finished(base, totalEvents),
          30_000,
          `${totalEvents} events through the agent:\n${agent.dump()}`,
        );
        const dom = await dumpDom(`${base}/`, { chromium: CHROMIUM.path, waitMs: 4500 });
        const after = await getJson(`${base}/metrics`);
        const page = parseDashboard(dom);

        strictEqual(page.status["data-value"], "ok", dom);
        for (const [name, kind] of [["SOURCE.s1", "SOURCE"], ["CHANNEL.c1", "CHANNEL"]]) {
          strictEqual(page.rows.get(name), kind);
        }
        strictEqual(page.rows.get("SINK.k1"), "SINK");
        strictEqual(value(page, "SOURCE.s1", "EventAcceptedCount").text, String(totalEvents));
        strictEqual(value(page, "SINK.k1", "EventDrainSuccessCount").text, String(totalEvents));
        strictEqual(value(page, "CHANNEL.c1", "EventPutSuccessCount").text, String(totalEvents));
        strictEqual(value(page, "CHANNEL.c1", "ChannelSize").text, "0");
        const connections = after["SOURCE.s1"].OpenConnectionCount;
        strictEqual(value(page, "SOURCE.s1", "OpenConnectionCount").text, connections ?? "–");
        for (const name of ["SOURCE.s1", "CHANNEL.c1", "SINK.k1"]) {
          strictEqual(value(page, name, "EventsPerSecond").value, "0", `${name} is idle`);
        }
        // /health speaks for sources and sinks; a channel has no health of its own.
        const health = await getJson(`${base}/health`) as unknown as {
          components: Record<string, { status: string; type?: string }>;
        };
        strictEqual(health.components["SOURCE.s1"]?.status, "ok");
        strictEqual(health.components["SINK.k1"]?.status, "ok");
        for (const name of page.rows.keys()) {
          const verdict = health.components[name];
          strictEqual(value(page, name, "health").text, verdict?.status ?? "–", name);
          strictEqual(value(page, name, "componentType").text, verdict?.type ?? "", name);
        }
        // Every field of /metrics is on the page with the value /metrics had: between the
        // read before the page loaded and the one after (idle counters such as
        // BatchEmptyCount still move).
        for (const [name, fields] of Object.entries(after)) {
          ok(page.rows.has(name), `a row for ${name}`);
          for (const [field, now] of Object.entries(fields)) {
            if (field === "Type" || field === "StartTime" || field === "StopTime") continue;
            const shown = value(page, name, field);
            const then = before[name]?.[field] ?? now;
            if (shown.value === then || shown.value === now) continue;
            const [low, high, got] = [Number(then), Number(now), Number(shown.value)];
            ok(
              got >= low && got <= high,
              `${name} ${field}: page ${shown.value}, /metrics ${then}…${now}`,
            );
          }
        }
        for (const name of ["SOURCE.s1", "SINK.k1"]) {
          const line = page.series.get(name);
          ok(line && line.points >= 3, `${name} charted: ${JSON.stringify(line)}`);
        }
      } finally {
        agent.kill("SIGTERM");
        const { code } = await agent.exit();
        strictEqual(code, 0, agent.dump());
      }
    });
  },
});

const HTML = { "content-type": "text/html; charset=utf-8" };

/** The agent's INFO line naming its monitoring server; group 1 is its base URL. */
const MONITORING_LINE = /Monitoring \(http\) on (http:\/\/127\.0\.0\.1:\d+)\/metrics/;

type Metrics = Record<string, Record<string, string>>;

async function getJson(url: string): Promise<Metrics> {
  const response = await fetch(url);
  ok(response.ok, `${url}: HTTP ${response.status}`);
  return await response.json();
}

/** Reads /metrics until the source accepted and the sink drained `total` events. */
async function finished(base: string, total: number): Promise<Metrics> {
  while (true) {
    const metrics = await getJson(`${base}/metrics`);
    const accepted = metrics["SOURCE.s1"]?.EventAcceptedCount;
    const drained = metrics["SINK.k1"]?.EventDrainSuccessCount;
    if (accepted === String(total) && drained === String(total)) return metrics;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The rendered value of `component` `field`; fails when there is none. */
function value(page: Dashboard, component: string, field: string): Rendered {
  const found = page.values.get(`${component} ${field}`);
  ok(found, `no element for ${component} ${field}`);
  return found;
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
  "&nbsp;": "\u00a0",
};

function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity]);
}

function attributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const [, name, raw] of source.matchAll(/([\w:-]+)="([^"]*)"/g)) {
    attrs[name] = unescapeHtml(raw);
  }
  return attrs;
}

/**
 * Reads the values, rows and chart lines out of Chromium's serialized DOM.
 * A value element holds only text, so a regular expression is enough.
 */
function parseDashboard(html: string): Dashboard {
  const values = new Map<string, Rendered>();
  for (const [, , attrText, text] of html.matchAll(/<(\w+)\b([^>]*)>([^<]*)<\/\1>/g)) {
    const attrs = attributes(attrText);
    if (attrs["data-component"] === undefined || attrs["data-field"] === undefined) continue;
    const key = `${attrs["data-component"]} ${attrs["data-field"]}`;
    ok(!values.has(key), `one element for ${key}`);
    values.set(key, { value: attrs["data-value"], text: unescapeHtml(text) });
  }
  const rows = new Map<string, string>();
  for (const [, attrText] of html.matchAll(/<tr\b([^>]*)>/g)) {
    const attrs = attributes(attrText);
    if (attrs["data-component"] !== undefined) {
      rows.set(attrs["data-component"], attrs["data-kind"]);
    }
  }
  const series = new Map<string, { dataPoints: number; points: number }>();
  for (const [, attrText] of html.matchAll(/<polyline\b([^>]*)>/g)) {
    const attrs = attributes(attrText);
    const points = (attrs.points ?? "").trim().split(/\s+/).filter((p) =>
      /^[\d.]+,[\d.]+$/.test(p)
    );
    series.set(attrs["data-series"], {
      dataPoints: Number(attrs["data-points"]),
      points: points.length,
    });
  }
  const byId = (id: string): Record<string, string> => {
    const match = html.match(new RegExp(`<\\w+\\b([^>]*\\bid="${id}"[^>]*)>`));
    ok(match, `#${id} in the page`);
    return attributes(match[1]);
  };
  return { values, rows, series, status: byId("agent-status"), updated: byId("updated"), html };
}
