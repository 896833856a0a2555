/**
 * The monitoring server's live dashboard, served at `GET /`: one HTML page
 * with its CSS and script inline, no framework and nothing loaded from
 * elsewhere, kept as a string so that `deno compile` embeds it.
 *
 * Every second the page reads `metrics` and `health` (relative URLs, so it
 * works behind any prefix) and shows one row per source, channel and sink
 * with its counters, its events/s (sources from EventAcceptedCount, channels
 * from EventPutSuccessCount, sinks from EventDrainSuccessCount, computed
 * from successive reads), a channel's fill as a bar, a source's open
 * connections and the health status and reason; an SVG chart shows the last
 * five minutes of events/s per source and sink. Every rendered value sits in
 * an element with `data-component` (the /metrics key, e.g. `SOURCE.w1`),
 * `data-field` (the counter name, or `EventsPerSecond`, `health`,
 * `healthReason`, `state`, `name`) and `data-value` (the raw value); the
 * chart's lines carry `data-series` and `data-points`. Values reach the DOM
 * only through `textContent` and `setAttribute`.
 *
 * @module
 */

/** The dashboard page: complete HTML with inline CSS and script. */
export const DASHBOARD_HTML: string = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'">
<link rel="icon" href="data:,">
<title>flume-ws dashboard</title>
<style>
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1d2430; --muted: #667085; --line: #e4e7ec; --track: #eef0f3;
  --ok: #067647; --down: #b42318; --warn: #b54708; --bar: #2e90fa;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111418; --fg: #e6e9ee; --muted: #98a2b3; --line: #2b3139; --track: #222830;
    --ok: #47cd89; --down: #f97066; --warn: #fdb022; --bar: #53b1fd;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 1280px; padding: 16px 20px 32px;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  background: var(--bg); color: var(--fg);
}
header { display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: baseline; }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 15px; margin: 22px 0 6px; }
.muted, .updated, .reason, .state, .empty { color: var(--muted); }
.updated, .reason, .state { font-size: 12px; }
.status { font-weight: 600; }
.ok, .connected { color: var(--ok); }
.down, .unreachable, .disconnected, .stopped { color: var(--down); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; font-weight: 600; color: var(--muted); }
td.name { white-space: nowrap; width: 170px; }
td.name > span { font-weight: 600; }
td.name > span.type { font-weight: normal; font-size: 12px; color: var(--muted); margin-left: 6px; }
td.health { width: 210px; }
td.rate { width: 90px; }
td.rate, td.conn { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.fill { white-space: nowrap; }
.bar {
  display: inline-block; width: 140px; height: 10px; margin-right: 6px; vertical-align: middle;
  background: var(--track); border-radius: 5px; overflow: hidden;
}
.bar > div { height: 100%; width: 0; background: var(--bar); }
.bar.high > div { background: var(--warn); }
.bar.full > div { background: var(--down); }
.counters { display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 12px; color: var(--muted); }
.counters b { font-weight: 500; color: var(--fg); font-variant-numeric: tabular-nums; }
#chart { display: block; width: 100%; height: 240px; }
#chart .grid { stroke: var(--line); stroke-width: 1; }
#chart text { fill: var(--muted); font-size: 11px; }
#chart polyline { fill: none; stroke-width: 1.75; stroke-linejoin: round; }
#legend { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 6px 0 0; padding: 0; list-style: none; }
#legend .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
footer { margin-top: 24px; font-size: 12px; }
a { color: inherit; }
</style>
</head>
<body>
<header>
  <h1>flume-ws</h1>
  <span id="agent-status" class="status" data-field="status" data-value="">connecting…</span>
  <span id="agent-error" class="reason"></span>
  <span id="updated" class="updated" data-refreshes="0"></span>
</header>
<main>
  <section data-kind="SOURCE">
    <h2>Sources</h2>
    <table>
      <thead><tr><th>Source</th><th>Health</th><th>Connections</th><th>Events/s</th><th>Counters</th></tr></thead>
      <tbody id="rows-SOURCE"></tbody>
    </table>
  </section>
  <section data-kind="CHANNEL">
    <h2>Channels</h2>
    <table>
      <thead><tr><th>Channel</th><th>Health</th><th>Fill</th><th>Puts/s</th><th>Counters</th></tr></thead>
      <tbody id="rows-CHANNEL"></tbody>
    </table>
  </section>
  <section data-kind="SINK">
    <h2>Sinks</h2>
    <table>
      <thead><tr><th>Sink</th><th>Health</th><th>Events/s</th><th>Counters</th></tr></thead>
      <tbody id="rows-SINK"></tbody>
    </table>
  </section>
  <section data-kind="OTHER" hidden>
    <h2>Other</h2>
    <table>
      <thead><tr><th>Component</th><th>Health</th><th>Counters</th></tr></thead>
      <tbody id="rows-OTHER"></tbody>
    </table>
  </section>
  <section>
    <h2>Events/s, last 5 minutes <span class="muted">(sources: accepted, sinks: drained)</span></h2>
    <svg id="chart" role="img" aria-label="Events per second of each source and sink"></svg>
    <ul id="legend"></ul>
  </section>
</main>
<footer class="muted">Refreshed every second from <a href="metrics">metrics</a> and <a href="health">health</a>.</footer>
<script>
"use strict";
(function () {
  var REFRESH_MS = 1000;
  var WINDOW_MS = 5 * 60 * 1000;
  var FETCH_TIMEOUT_MS = 5000;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var RATE_FIELD = {
    SOURCE: "EventAcceptedCount",
    CHANNEL: "EventPutSuccessCount",
    SINK: "EventDrainSuccessCount",
  };
  var CHARTED = { SOURCE: true, SINK: true };
  // Fields with a cell of their own, or no place in the counters list.
  var OWN_CELL = {
    Type: true, StartTime: true, StopTime: true, OpenConnectionCount: true, ChannelFillPercentage: true,
  };
  var COLORS = ["#2e90fa", "#12b76a", "#f79009", "#9e77ed", "#f04438", "#06aed4", "#ee46bc", "#66c61c"];

  var rows = new Map(); // component -> row
  var history = new Map(); // charted component -> [{ t, rate }]
  var colors = new Map(); // charted component -> colour
  var previous = null; // { t, metrics } of the last good read
  var refreshes = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    for (var key in attrs) node.setAttribute(key, String(attrs[key]));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function valueEl(tag, component, field, className) {
    var attrs = { "data-component": component, "data-field": field, "data-value": "" };
    if (className) attrs["class"] = className;
    return el(tag, attrs, "–");
  }

  function setValue(node, raw, text) {
    node.setAttribute("data-value", raw);
    node.textContent = text === undefined ? raw : text;
  }

  function kindOf(name, entry) {
    var type = String(entry.Type || name.split(".")[0] || "").toUpperCase();
    return type === "SOURCE" || type === "CHANNEL" || type === "SINK" ? type : "OTHER";
  }

  function shortName(name, kind) {
    var prefix = kind + ".";
    return name.indexOf(prefix) === 0 ? name.slice(prefix.length) : name;
  }

  function formatRate(rate) {
    if (rate >= 100) return String(Math.round(rate));
    return rate.toFixed(1);
  }

  function formatTime(ms) {
    return new Date(ms).toLocaleTimeString();
  }

  function ensureRow(name, kind) {
    var row = rows.get(name);
    if (row && row.kind === kind) return row;
    if (row) removeRow(name);
    var tr = el("tr", { "data-component": name, "data-kind": kind });
    row = { kind: kind, tr: tr, counters: new Map() };

    var nameCell = el("td", { "class": "name" });
    row.name = el("span", { "data-component": name, "data-field": "name", "data-value": name }, shortName(name, kind));
    row.type = valueEl("span", name, "componentType", "type");
    row.type.textContent = "";
    row.state = valueEl("div", name, "state", "state");
    row.state.textContent = "";
    nameCell.append(row.name, row.type, row.state);
    tr.append(nameCell);

    var healthCell = el("td", { "class": "health" });
    row.health = valueEl("span", name, "health", "status");
    row.reason = valueEl("div", name, "healthReason", "reason");
    row.reason.textContent = "";
    row.failures = valueEl("div", name, "consecutiveFailures", "reason");
    row.failures.textContent = "";
    healthCell.append(row.health, row.reason, row.failures);
    tr.append(healthCell);

    if (kind === "SOURCE") {
      var connCell = el("td", { "class": "conn" });
      row.conn = valueEl("span", name, "OpenConnectionCount");
      row.connLabel = el("span", { "class": "muted" }, "");
      row.connected = valueEl("div", name, "connected", "reason");
      row.connected.textContent = "";
      connCell.append(row.conn, row.connLabel, row.connected);
      tr.append(connCell);
    }
    if (kind === "CHANNEL") {
      var fillCell = el("td", { "class": "fill" });
      row.bar = el("span", { "class": "bar", "data-component": name, "data-field": "fillBar" });
      row.barFill = el("div", {});
      row.bar.append(row.barFill);
      row.fill = valueEl("span", name, "ChannelFillPercentage");
      fillCell.append(row.bar, row.fill);
      tr.append(fillCell);
    }
    if (RATE_FIELD[kind]) {
      var rateCell = el("td", { "class": "rate" });
      row.rate = valueEl("span", name, "EventsPerSecond");
      rateCell.append(row.rate);
      tr.append(rateCell);
    }
    var countersCell = el("td", {});
    row.countersList = el("div", { "class": "counters" });
    countersCell.append(row.countersList);
    tr.append(countersCell);

    rows.set(name, row);
    placeRows(kind);
    return row;
  }

  function removeRow(name) {
    var row = rows.get(name);
    if (!row) return;
    row.tr.remove();
    rows.delete(name);
    placeRows(row.kind);
  }

  function placeRows(kind) {
    var body = document.getElementById("rows-" + kind);
    var names = [];
    rows.forEach(function (row, name) {
      if (row.kind === kind) names.push(name);
    });
    names.sort();
    body.replaceChildren();
    names.forEach(function (name) {
      body.append(rows.get(name).tr);
    });
    if (names.length === 0) {
      var cols = body.parentNode.querySelectorAll("thead th").length;
      body.append(el("tr", { "class": "empty" }, undefined));
      body.lastChild.append(el("td", { colspan: String(cols), "class": "empty" }, "none"));
    }
    if (kind === "OTHER") body.closest("section").hidden = names.length === 0;
  }

  function updateCounters(row, name, entry) {
    var seen = {};
    for (var field in entry) {
      if (OWN_CELL[field]) continue;
      seen[field] = true;
      var value = row.counters.get(field);
      if (!value) {
        var item = el("span", { "class": "counter" });
        value = valueEl("b", name, field);
        item.append(el("span", {}, field + " "), value);
        row.countersList.append(item);
        row.counters.set(field, value);
      }
      setValue(value, String(entry[field]));
    }
    row.counters.forEach(function (value, field) {
      if (!seen[field]) {
        value.parentNode.remove();
        row.counters.delete(field);
      }
    });
  }

  function updateState(row, entry) {
    var start = Number(entry.StartTime || 0);
    var stop = Number(entry.StopTime || 0);
    if (stop > 0 && stop >= start) {
      setValue(row.state, "stopped", "stopped " + formatTime(stop));
      row.state.className = "state stopped";
    } else if (start > 0) {
      setValue(row.state, "running", "since " + formatTime(start));
      row.state.className = "state";
    } else {
      setValue(row.state, "", "");
      row.state.className = "state";
    }
  }

  function updateHealth(row, name, health) {
    var component = health && health.components && health.components[name];
    if (component && typeof component === "object") {
      var status = String(component.status || "");
      setValue(row.health, status);
      row.health.className = "status " + (status === "ok" ? "ok" : "down");
      var reason = component.reason !== undefined ? component.reason : component.lastError;
      setValue(row.reason, reason === undefined || reason === null ? "" : String(reason));
      // The server's reason already counts the failures; the count shows when it has none.
      var failures = component.consecutiveFailures === undefined ? "" : String(component.consecutiveFailures);
      var count = Number(failures);
      var counted = count > 0 && !row.reason.textContent;
      setValue(row.failures, failures, counted ? count + (count === 1 ? " failure" : " failures") + " in a row" : "");
      setValue(row.type, component.type === undefined ? "" : String(component.type));
    } else {
      setValue(row.health, "", "–");
      row.health.className = "status muted";
      setValue(row.reason, "");
      setValue(row.failures, "", "");
      setValue(row.type, "");
    }
  }

  function updateConnections(row, name, entry, health) {
    var verdict = health && health.components && health.components[name];
    var connected = verdict && typeof verdict.connected === "boolean" ? verdict.connected : undefined;
    if (connected === undefined) {
      setValue(row.connected, "", "");
    } else {
      setValue(row.connected, String(connected), connected ? "connected" : "not connected");
    }
    row.connected.className = connected === undefined ? "reason" : connected ? "connected" : "disconnected";
    if (entry.OpenConnectionCount === undefined) {
      setValue(row.conn, "", connected === undefined ? "–" : "");
      row.conn.className = "muted";
      row.connLabel.textContent = "";
      return;
    }
    var raw = String(entry.OpenConnectionCount);
    setValue(row.conn, raw);
    var open = Number(raw) > 0;
    row.conn.className = open ? "connected" : "muted";
    row.connLabel.textContent = " open";
  }

  function updateFill(row, entry) {
    var raw = entry.ChannelFillPercentage === undefined ? "" : String(entry.ChannelFillPercentage);
    var pct = Number(raw);
    if (raw === "" || !isFinite(pct)) {
      setValue(row.fill, raw, "–");
      row.barFill.style.width = "0";
      return;
    }
    var shown = Math.max(0, Math.min(100, pct));
    setValue(row.fill, raw, pct.toFixed(1) + " %");
    row.barFill.style.width = shown + "%";
    row.bar.className = "bar" + (shown >= 95 ? " full" : shown >= 80 ? " high" : "");
    row.bar.setAttribute("title", pct.toFixed(2) + " % full");
  }

  function updateRate(row, name, entry, now) {
    var field = RATE_FIELD[row.kind];
    var before = previous && previous.metrics[name];
    var rate;
    if (before && entry[field] !== undefined && before[field] !== undefined) {
      var delta = Number(entry[field]) - Number(before[field]);
      var seconds = (now - previous.t) / 1000;
      if (delta >= 0 && seconds > 0 && isFinite(delta)) rate = delta / seconds;
    }
    if (rate === undefined) {
      setValue(row.rate, "", "–");
      return;
    }
    setValue(row.rate, String(rate), formatRate(rate));
    if (CHARTED[row.kind]) {
      var points = history.get(name);
      if (!points) {
        points = [];
        history.set(name, points);
      }
      points.push({ t: now, rate: rate });
    }
  }

  function update(metrics, health, now) {
    var present = {};
    Object.keys(metrics).forEach(function (name) {
      var entry = metrics[name];
      if (!entry || typeof entry !== "object") return;
      present[name] = true;
      var row = ensureRow(name, kindOf(name, entry));
      updateState(row, entry);
      updateHealth(row, name, health);
      if (row.conn) updateConnections(row, name, entry, health);
      if (row.fill) updateFill(row, entry);
      if (row.rate) updateRate(row, name, entry, now);
      updateCounters(row, name, entry);
    });
    Array.from(rows.keys()).forEach(function (name) {
      if (!present[name]) {
        removeRow(name);
        history.delete(name);
      }
    });
  }

  function niceCeiling(value) {
    if (!(value > 0)) return 1;
    var power = Math.pow(10, Math.floor(Math.log10(value)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * power >= value) return steps[i] * power;
    }
    return 10 * power;
  }

  function colorOf(name) {
    if (!colors.has(name)) colors.set(name, COLORS[colors.size % COLORS.length]);
    return colors.get(name);
  }

  function drawChart(now) {
    var svg = document.getElementById("chart");
    var width = Math.max(320, Math.round(svg.clientWidth || 800));
    var height = Math.max(160, Math.round(svg.clientHeight || 240));
    var left = 52, right = 12, top = 10, bottom = 22;
    var plotW = width - left - right, plotH = height - top - bottom;
    var since = now - WINDOW_MS;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);

    var max = 0;
    history.forEach(function (points, name) {
      while (points.length && points[0].t < since) points.shift();
      if (!points.length) history.delete(name);
      points.forEach(function (p) {
        if (p.rate > max) max = p.rate;
      });
    });
    var ceiling = niceCeiling(max);
    var nodes = [];
    for (var i = 0; i <= 4; i++) {
      var y = top + plotH - (plotH * i) / 4;
      nodes.push(svgEl("line", { "class": "grid", x1: left, x2: width - right, y1: y, y2: y }));
      var tick = String(Number(((ceiling * i) / 4).toFixed(2)));
      nodes.push(svgEl("text", { x: left - 6, y: y + 4, "text-anchor": "end" }, tick));
    }
    for (var m = 0; m <= 5; m++) {
      var x = left + (plotW * m) / 5;
      var label = m === 5 ? "now" : "-" + (5 - m) + " min";
      nodes.push(svgEl("text", { x: x, y: height - 6, "text-anchor": m === 0 ? "start" : m === 5 ? "end" : "middle" }, label));
    }
    var names = Array.from(history.keys()).sort();
    names.forEach(function (name) {
      var points = history.get(name);
      var coords = points.map(function (p) {
        var px = left + ((p.t - since) / WINDOW_MS) * plotW;
        var py = top + plotH - (Math.min(p.rate, ceiling) / ceiling) * plotH;
        return px.toFixed(1) + "," + py.toFixed(1);
      });
      nodes.push(svgEl("polyline", {
        points: coords.join(" "),
        stroke: colorOf(name),
        "data-series": name,
        "data-points": points.length,
      }));
    });
    if (!names.length) {
      nodes.push(svgEl("text", { x: left + plotW / 2, y: top + plotH / 2, "text-anchor": "middle" }, "collecting…"));
    }
    svg.replaceChildren.apply(svg, nodes);

    var legend = document.getElementById("legend");
    legend.replaceChildren.apply(legend, names.map(function (name) {
      var points = history.get(name);
      var last = points[points.length - 1].rate;
      var item = el("li", { "data-series": name });
      var swatch = el("span", { "class": "swatch" });
      swatch.style.background = colorOf(name);
      item.append(swatch, el("span", {}, name + " "), el("b", { "data-value": String(last) }, formatRate(last) + "/s"));
      return item;
    }));
  }

  function setStatus(status, text, error) {
    var node = document.getElementById("agent-status");
    setValue(node, status, text);
    node.className = "status " + status;
    document.getElementById("agent-error").textContent = error || "";
  }

  async function getJson(path, acceptStatus) {
    var response = await fetch(path, {
      cache: "no-store",
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!response.ok && !acceptStatus(response.status)) {
      await response.body?.cancel();
      throw new Error(path + ": HTTP " + response.status);
    }
    return await response.json();
  }

  async function refresh() {
    try {
      var answers = await Promise.all([
        getJson("metrics", function () {
          return false;
        }),
        getJson("health", function (status) {
          return status === 503;
        }).catch(function () {
          return null;
        }),
      ]);
      var now = Date.now();
      var metrics = answers[0] && typeof answers[0] === "object" ? answers[0] : {};
      var health = answers[1] && typeof answers[1] === "object" ? answers[1] : null;
      update(metrics, health, now);
      previous = { t: now, metrics: metrics };
      if (health && health.status !== undefined) {
        var status = String(health.status);
        setStatus(status === "ok" ? "ok" : "down", status);
      } else {
        setStatus("up", "up");
      }
    } catch (err) {
      setStatus("unreachable", "unreachable", String((err && err.message) || err));
    }
    refreshes++;
    var updated = document.getElementById("updated");
    updated.setAttribute("data-refreshes", String(refreshes));
    updated.textContent = previous ? "updated " + formatTime(previous.t) : "";
    drawChart(Date.now());
  }

  async function loop() {
    await refresh();
    setTimeout(loop, REFRESH_MS);
  }

  ["SOURCE", "CHANNEL", "SINK", "OTHER"].forEach(placeRows);
  loop();
})();
</script>
</body>
</html>
`;
