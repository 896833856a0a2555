/**
 * Flume's JSON monitoring shape (`-Dflume.monitoring.type=http`, `GET
 * /metrics`): one flat object keyed by counter group (`SOURCE.w1`,
 * `CHANNEL.c1`, `SINK.l1`), each a flat object of strings, as Flume's
 * HTTPMetricsServer writes its MBeans' attributes.
 *
 * @module
 */
import type { CounterRegistry } from "../api/counters.ts";

/** The content type Flume's HTTPMetricsServer sends with its JSON. */
export const FLUME_JSON_CONTENT_TYPE = "application/json;charset=utf-8";

/** Counters Flume holds as Java doubles, which it shows with a decimal point (`"25.0"`). */
const DOUBLES: ReadonlySet<string> = new Set(["ChannelFillPercentage"]);

/** Every group as Flume shows it: `{ "CHANNEL.c1": { "Type": "CHANNEL", "ChannelSize": "3", … } }`. */
export function flumeMetrics(counters: CounterRegistry): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [id, values] of Object.entries(counters.snapshot())) {
    const group: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) group[name] = flumeValue(name, value);
    out[id] = group;
  }
  return out;
}

/**
 * A value as Java's `String.valueOf` shows it: longs as digits, doubles
 * with at least one decimal (`0.0`, `12.5`).
 */
export function flumeValue(name: string, value: number | string): string {
  if (typeof value === "string") return value;
  if (!DOUBLES.has(name)) return Number.isFinite(value) ? String(Math.trunc(value)) : "0";
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
