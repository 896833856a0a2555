import type { Clock } from "../api/clock.ts";
import { defineProcessor } from "../api/component.ts";
import type { Status } from "../api/lifecycle.ts";
import type { Log } from "../api/log.ts";
import { boolean, duration, string } from "../api/properties.ts";
import type { Sink } from "../api/sink.ts";
import type { SinkProcessor } from "../api/sink_processor.ts";
import { didYouMean } from "../util/suggest.ts";
import { attemptProcess } from "./_sink_attempt.ts";
import { type SelectorKind, SinkOrder, type SinkOrderOptions } from "./_sink_order.ts";

/** The selectors flume-ws has, as `processor.selector` names them (any case). */
export const SELECTORS: readonly SelectorKind[] = ["round_robin", "random"];

/** Flume's default upper bound of a backed-off sink's timeout. */
const DEFAULT_MAX_TIMEOUT_MS = 30_000;

/** Options of a LoadBalancingSinkProcessor. */
export interface LoadBalanceOptions extends SinkOrderOptions {
  readonly clock: Clock;
  readonly log: Log;
  /** The sink group's name, for messages. */
  readonly group: string;
}

/**
 * Flume's LoadBalancingSinkProcessor: each round asks the selector for an
 * order over the sinks (round robin starts one further each round; random
 * shuffles) and runs the first; when it fails, the next one in the order
 * runs in the same call, each sink at most once. With `backoff` a failed
 * sink is left out of the rounds for a time that doubles per failure, up
 * to `maxTimeoutMs`.
 */
export class LoadBalancingSinkProcessor implements SinkProcessor {
  readonly sinks: readonly Sink[];
  readonly #order: SinkOrder<Sink>;
  readonly #options: LoadBalanceOptions;

  /** A processor over `sinks`, in the group's order. */
  constructor(sinks: readonly Sink[], options: LoadBalanceOptions) {
    this.sinks = sinks;
    this.#options = options;
    this.#order = new SinkOrder(sinks, options);
  }

  async start(): Promise<void> {
    for (const sink of this.sinks) await sink.start();
  }

  async stop(): Promise<void> {
    for (const sink of this.sinks) await sink.stop();
  }

  async process(): Promise<Status> {
    const { clock, log, group } = this.#options;
    const round = this.#order.round(clock.now());
    if (round.length === 0) {
      const back = Math.min(...this.sinks.map((s) => this.#order.restoreAt(s))) - clock.now();
      throw new Error(
        `Every sink of sink group ${group} is backed off after failing: ` +
          `the first is back in ${Math.max(0, back)} ms`,
      );
    }
    for (const sink of round) {
      const attempt = await attemptProcess(sink);
      if (!attempt.failed) return attempt.status;
      this.#order.failed(sink, clock.now());
      const restore = this.#order.restoreAt(sink) - clock.now();
      log.warn(
        `Sink ${sink.name} failed (${attempt.error})` +
          (restore > 0 ? `: left out of sink group ${group} for ${restore} ms` : "") +
          (sink === round.at(-1) ? "" : "; trying the next sink"),
      );
    }
    throw new Error(`Every sink of sink group ${group} failed this round`);
  }
}

/** The `load_balance` sink processor type. */
export const LOAD_BALANCE_PROCESSOR = defineProcessor({
  type: "load_balance",
  aliases: ["org.apache.flume.sink.LoadBalancingSinkProcessor"],
  summary: "Spreads the batches over the group's sinks, round robin or at random; a batch a " +
    "sink fails goes to the next sink at once, and with backoff a failing sink sits out a while",
  example: `
a1.sinkgroups = g1
a1.sinkgroups.g1.sinks = k1 k2 k3
a1.sinkgroups.g1.processor.type = load_balance
a1.sinkgroups.g1.processor.selector = round_robin
a1.sinkgroups.g1.processor.backoff = true
a1.sinkgroups.g1.processor.selector.maxTimeOut = 10000`,
  properties: {
    backoff: boolean({
      default: false,
      doc: "Leave a sink that failed out of the rounds for a time that doubles per failure " +
        "in a row (2 s, 4 s, … up to selector.maxTimeOut)",
    }),
    selector: string({
      default: "round_robin",
      doc: "`round_robin` (each round starts with the next sink) or `random`; Flume's custom " +
        "selector classes are not supported",
    }),
    "selector.maxTimeOut": duration({
      unit: "ms",
      default: DEFAULT_MAX_TIMEOUT_MS,
      doc: "With backoff, the most milliseconds a failed sink sits out; 0 keeps 30000, as in Flume",
    }),
  },
  check(props, report): void {
    const written = props.get("selector")?.trim();
    if (written === undefined) return;
    if (SELECTORS.some((s) => s === written.toLowerCase())) return;
    report({
      property: "selector",
      message: `Unknown selector "${written}": expected round_robin or random`,
      hint: written.includes(".")
        ? "custom sink selector classes are not supported: use round_robin or random"
        : didYouMean(written, SELECTORS),
    });
  },
  create: (ctx) =>
    new LoadBalancingSinkProcessor(ctx.sinks, {
      selector: ctx.config.selector.trim().toLowerCase() as SelectorKind,
      backoff: ctx.config.backoff,
      maxTimeoutMs: ctx.config["selector.maxTimeOut"] || DEFAULT_MAX_TIMEOUT_MS,
      clock: ctx.clock,
      log: ctx.log,
      group: ctx.name,
    }),
});
