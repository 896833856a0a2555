/**
 * The HTTP sink's properties and their checks: Flume's HttpSink properties,
 * then the batch mode.
 *
 * @module
 */
import {
  boolean,
  type CheckedProperties,
  duration,
  int,
  oneOf,
  type PatternDecl,
  type RawProperties,
  type Reporter,
  string,
  url,
} from "../api/properties.ts";
import { peerText } from "../util/peer_text.ts";
import { redactUrl } from "../util/redact.ts";
import { effectivePort, FETCH_BLOCKED_PORTS } from "./fetch_blocked_ports.ts";
import { BATCH_FORMATS } from "./http_batch_body.ts";
import {
  parseStatusCode,
  STATUS_RULE_PROPERTY,
  type StatusOverride,
  type StatusRuleKind,
  StatusRules,
} from "./http_status_rules.ts";

/** The HTTP sink's properties: Flume's, then the batch mode. */
export const HTTP_SINK_PROPERTIES = {
  endpoint: url({
    required: true,
    schemes: ["http", "https"],
    hint: "use http://host:port/path or https://host/path",
    doc: "`http://` or `https://` URL to POST to (shown without user info and query values)",
  }),
  connectTimeout: duration({
    unit: "ms",
    default: 5000,
    min: 1,
    doc: "Milliseconds to connect; fetch has no connect phase, so the status must arrive " +
      "within connectTimeout + requestTimeout",
  }),
  requestTimeout: duration({
    unit: "ms",
    default: 5000,
    min: 1,
    doc: "Milliseconds to wait for the answer once connected (and to read its body)",
  }),
  contentTypeHeader: string({
    defaultText: "text/plain, or the batchFormat's type when batchSize > 1",
    doc: "The Content-Type header",
  }),
  acceptHeader: string({ default: "text/plain", doc: "The Accept header" }),
  defaultBackoff: boolean({
    default: true,
    doc: "Back off after any status without a backoff.CODE rule",
  }),
  defaultRollback: boolean({
    default: true,
    doc: "Roll back (keep the events, retry) after any status without a rollback.CODE rule, " +
      "2xx included",
  }),
  defaultIncrementMetrics: boolean({
    default: false,
    doc: "Count EventDrainSuccessCount after any status without an incrementMetrics.CODE rule",
  }),
  batchSize: int({
    default: 1,
    min: 1,
    doc: "Events per request; 1 is Flume's one body per request, more sends one batchFormat body",
  }),
  batchFormat: oneOf({
    values: BATCH_FORMATS,
    default: "json",
    doc: "With batchSize > 1: `json` (an array of `{headers, body}`), `ndjson` (one object a " +
      "line) or `lines` (the bodies, each followed by a newline)",
  }),
} as const;

/** The `KIND.CODE` rules. */
export const HTTP_SINK_PATTERNS: readonly PatternDecl[] = [
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
];

/** What the HTTP sink's checks and rules read. */
type HttpProps = CheckedProperties<typeof HTTP_SINK_PROPERTIES>;

/**
 * The status rules of validated settings: the three defaults and every
 * `KIND.CODE` override whose code and value parsed.
 */
export function statusRules(
  defaults: {
    defaultBackoff?: boolean;
    defaultRollback?: boolean;
    defaultIncrementMetrics?: boolean;
  },
  properties: RawProperties,
): StatusRules {
  const overrides: StatusOverride[] = [];
  for (const [name, raw] of properties.matching(STATUS_RULE_PROPERTY)) {
    const [, kind, text] = STATUS_RULE_PROPERTY.exec(name) ?? [];
    const code = parseStatusCode(text ?? "");
    const value = raw.value.trim().toLowerCase();
    if (code === undefined || (value !== "true" && value !== "false")) continue;
    overrides.push({ kind: kind as StatusRuleKind, code, value: value === "true" });
  }
  return new StatusRules({
    backoff: defaults.defaultBackoff ?? true,
    rollback: defaults.defaultRollback ?? true,
    incrementMetrics: defaults.defaultIncrementMetrics ?? false,
  }, overrides);
}

/** Cross-property rules of the HTTP sink. */
export function checkHttpSinkSettings(settings: HttpProps, report: Reporter): void {
  const endpoint = settings.get("endpoint");
  if (endpoint !== undefined) {
    const port = effectivePort(new URL(endpoint));
    if (FETCH_BLOCKED_PORTS.has(port)) {
      report({
        property: "endpoint",
        message: `Invalid endpoint "${redactUrl(endpoint)}": port ${port} is one that fetch ` +
          `refuses to connect to (the Fetch standard's blocked ports)`,
        hint: "serve the endpoint on another port (8080, 8443, …)",
      });
    }
  }
  for (
    const [name, header] of [["contentTypeHeader", "Content-Type"], ["acceptHeader", "Accept"]]
  ) {
    const value = settings.raw(name);
    if (value === undefined) continue;
    try {
      new Headers({ [header]: value });
    } catch {
      report({
        property: name,
        message: `Invalid ${name} "${peerText(value)}": not a valid header value`,
        hint: "a header value is one line of printable text",
      });
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
  if (settings.has("batchFormat") && settings.get("batchSize") === 1) {
    report({
      severity: "warning",
      property: "batchFormat",
      message: "batchFormat does nothing with batchSize 1: each request is one event's body",
      hint: "set batchSize to more than 1 for one request per batch",
    });
  }
  const rules = statusRules({
    defaultBackoff: settings.get("defaultBackoff"),
    defaultRollback: settings.get("defaultRollback"),
    defaultIncrementMetrics: settings.get("defaultIncrementMetrics"),
  }, settings);
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
