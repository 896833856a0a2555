/**
 * The HTTP sink's properties and their checks: Flume's HttpSink properties,
 * then the batch mode.
 *
 * @module
 */
import type { ComponentSpec, Reporter } from "../config/component_spec.ts";
import type { Settings } from "../config/settings.ts";
import { redactUrl } from "../sources/websocket/handshake.ts";
import { BATCH_FORMATS } from "./http_batch_body.ts";
import {
  parseStatusCode,
  STATUS_RULE_PROPERTY,
  type StatusOverride,
  type StatusRuleKind,
  StatusRules,
} from "./http_status_rules.ts";

/** The HTTP sink's configuration: Flume's properties, then the batch mode. */
export const HTTP_SINK_SPEC: ComponentSpec = {
  category: "sink",
  type: "http",
  aliases: ["org.apache.flume.sink.http.HttpSink"],
  summary: "POSTs each event's body to an HTTP endpoint; per-status rollback, backoff and metrics",
  properties: [
    {
      name: "endpoint",
      kind: "string",
      required: true,
      redact: redactUrl,
      doc: "`http://` or `https://` URL to POST to (shown without user info and query values)",
    },
    {
      name: "connectTimeout",
      kind: "int",
      default: 5000,
      min: 1,
      doc: "Milliseconds to connect; fetch has no connect phase, so the status must arrive " +
        "within connectTimeout + requestTimeout",
    },
    {
      name: "requestTimeout",
      kind: "int",
      default: 5000,
      min: 1,
      doc: "Milliseconds to wait for the answer once connected (and to read its body)",
    },
    {
      name: "contentTypeHeader",
      kind: "string",
      defaultText: "text/plain, or the batchFormat's type when batchSize > 1",
      doc: "The Content-Type header",
    },
    { name: "acceptHeader", kind: "string", default: "text/plain", doc: "The Accept header" },
    {
      name: "defaultBackoff",
      kind: "boolean",
      default: true,
      doc: "Back off after any status without a backoff.CODE rule",
    },
    {
      name: "defaultRollback",
      kind: "boolean",
      default: true,
      doc: "Roll back (keep the events, retry) after any status without a rollback.CODE rule, " +
        "2xx included",
    },
    {
      name: "defaultIncrementMetrics",
      kind: "boolean",
      default: false,
      doc: "Count EventDrainSuccessCount after any status without an incrementMetrics.CODE rule",
    },
    {
      name: "batchSize",
      kind: "int",
      default: 1,
      min: 1,
      doc: "Events per request; 1 is Flume's one body per request, more sends one batchFormat body",
    },
    {
      name: "batchFormat",
      kind: "string",
      default: "json",
      oneOf: BATCH_FORMATS,
      doc: "With batchSize > 1: `json` (an array of `{headers, body}`), `ndjson` (one object a " +
        "line) or `lines` (the bodies, each followed by a newline)",
    },
  ],
  patterns: [
    {
      pattern: /^backoff\..*$/,
      display: "backoff.CODE",
      kind: "boolean",
      doc: "Back off after status CODE (`503`) or group (`5XX`); the exact code wins",
    },
    {
      pattern: /^rollback\..*$/,
      display: "rollback.CODE",
      kind: "boolean",
      doc: "Roll back after status CODE or group (else commit: the events are consumed)",
    },
    {
      pattern: /^incrementMetrics\..*$/,
      display: "incrementMetrics.CODE",
      kind: "boolean",
      doc: "Count EventDrainSuccessCount after status CODE or group",
    },
  ],
  check: checkHttpSinkSettings,
};

/**
 * The status rules of validated settings: the three defaults and every
 * `KIND.CODE` override whose code and value parsed.
 */
export function statusRules(settings: Settings): StatusRules {
  const overrides: StatusOverride[] = [];
  for (const [name, raw] of settings.matching(STATUS_RULE_PROPERTY)) {
    const [, kind, text] = STATUS_RULE_PROPERTY.exec(name) ?? [];
    const code = parseStatusCode(text ?? "");
    const value = raw.value.trim().toLowerCase();
    if (code === undefined || (value !== "true" && value !== "false")) continue;
    overrides.push({ kind: kind as StatusRuleKind, code, value: value === "true" });
  }
  const flag = (name: string, fallback: boolean): boolean =>
    settings.isValid(name) ? settings.boolean(name) : fallback;
  return new StatusRules({
    backoff: flag("defaultBackoff", true),
    rollback: flag("defaultRollback", true),
    incrementMetrics: flag("defaultIncrementMetrics", false),
  }, overrides);
}

/** Cross-property rules of the HTTP sink. */
function checkHttpSinkSettings(settings: Settings, report: Reporter): void {
  checkEndpoint(settings, report);
  for (
    const [name, header] of [["contentTypeHeader", "Content-Type"], ["acceptHeader", "Accept"]]
  ) {
    const value = settings.raw.get(name)?.value;
    if (value === undefined) continue;
    try {
      new Headers({ [header]: value });
    } catch {
      report({ property: name, message: `Invalid ${name} "${value}": not a valid header value` });
    }
  }
  const seen = new Map<string, string>();
  for (const [name] of settings.matching(STATUS_RULE_PROPERTY)) {
    const [, kind, text] = STATUS_RULE_PROPERTY.exec(name) ?? [];
    const code = parseStatusCode(text ?? "");
    if (code === undefined) {
      report({
        property: name,
        message: `Invalid status code "${text}" in ${name}: expected a status from 100 to 599 ` +
          `or a group from 1XX to 5XX`,
        hint: `for example ${kind}.503 or ${kind}.5XX`,
      });
      continue;
    }
    const other = seen.get(`${kind}.${code}`);
    if (other !== undefined) {
      report({ property: name, message: `Duplicate rule ${name}: ${other} is also set` });
    }
    seen.set(`${kind}.${code}`, name);
  }
  if (
    settings.has("batchFormat") && settings.isValid("batchSize") &&
    settings.number("batchSize") === 1
  ) {
    report({
      severity: "warning",
      property: "batchFormat",
      message: "batchFormat does nothing with batchSize 1: each request is one event's body",
      hint: "set batchSize to more than 1 for one request per batch",
    });
  }
  const rules = statusRules(settings);
  if (rules.outcome(200).rollback) {
    report({
      severity: "warning",
      property: rules.source("rollback", 200),
      message: `A 200 answer rolls back (${
        rules.source("rollback", 200)
      }), as in Flume: every event is sent again and again`,
      hint: "set rollback.2XX = false, backoff.2XX = false and incrementMetrics.2XX = true",
    });
  }
}

/** The endpoint must be an http:// or https:// URL. */
function checkEndpoint(settings: Settings, report: Reporter): void {
  if (!settings.has("endpoint")) return;
  const endpoint = settings.string("endpoint") ?? "";
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    report({
      property: "endpoint",
      message: `Invalid endpoint "${endpoint}": not a URL`,
      hint: "use http://host:port/path or https://host/path",
    });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    report({
      property: "endpoint",
      message: `Invalid endpoint "${redactUrl(endpoint)}": expected an http:// or https:// URL`,
      hint: "use http://host:port/path or https://host/path",
    });
  }
}
