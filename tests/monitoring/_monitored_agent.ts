/**
 * A real Agent with a real monitoring server on a free loopback port, and
 * a plain HTTP client for it, for the monitoring tests.
 *
 * @module
 */
import { ok } from "node:assert/strict";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import { resolveMonitoring } from "../../src/config/monitoring_settings.ts";
import { Agent } from "../../src/core/agent.ts";
import { builtinRegistry, type Definitions } from "../../src/registry.ts";
import { loadConf } from "../support/components.ts";

/** One answer, its body read. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * Builds agent `a1` from `conf` with `-Dflume.monitoring.type=TYPE` on port
 * 0 (plus `sys`), starts it and hands it, its base URL and a `stop` to
 * `fn`; stops it afterwards unless `fn` did.
 */
export async function withMonitoredAgent(
  conf: string,
  options: {
    readonly type: "http" | "prometheus";
    readonly sys?: Readonly<Record<string, string>>;
    readonly extra?: Partial<Definitions>;
  },
  fn: (
    agent: Agent,
    url: string,
    stop: (drainTimeoutMs?: number) => Promise<void>,
  ) => Promise<void>,
): Promise<void> {
  const monitor = resolveMonitoring({
    "flume.monitoring.type": options.type,
    "flume.monitoring.port": "0",
    ...options.sys,
  }, builtinRegistry(options.extra));
  const agent = new Agent(loadConf(conf, options.extra), {
    clock: SYSTEM_CLOCK,
    logFor: () => SILENT_LOG,
    monitor,
  });
  await agent.start();
  let stopping: Promise<void> | undefined;
  const stop = (drainTimeoutMs = 2000): Promise<void> =>
    stopping ??= agent.stop({ drainTimeoutMs });
  try {
    const url = agent.monitor?.url;
    ok(url, "the monitoring server listens");
    await fn(agent, url, stop);
  } finally {
    await stop();
  }
}

/** Sends one request and reads the whole answer. */
export async function request(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

/** Polls `url` until `accept` says yes; rejects with the last answer after `timeoutMs`. */
export async function until(
  url: string,
  accept: (answer: Answer) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  let last: Answer | undefined;
  while (Date.now() < deadline) {
    last = await request(url);
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Timed out waiting for ${what}; last answer ${last?.status}: ${last?.text}`);
}
