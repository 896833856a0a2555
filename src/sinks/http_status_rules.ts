/**
 * The HTTP sink's per-status rules, as Flume's HttpSink resolves them: an
 * exact code (`backoff.503`) beats its group (`backoff.5XX`), which beats
 * the default (`defaultBackoff`). Pure: no I/O.
 *
 * @module
 */

/** The three things a response status decides. */
export type StatusRuleKind = "backoff" | "rollback" | "incrementMetrics";

/** Every rule kind, in the order Flume documents them. */
export const STATUS_RULE_KINDS: readonly StatusRuleKind[] = [
  "backoff",
  "rollback",
  "incrementMetrics",
];

/** Matches `backoff.CODE`, `rollback.CODE` and `incrementMetrics.CODE`; CODE is unchecked. */
export const STATUS_RULE_PROPERTY = /^(backoff|rollback|incrementMetrics)\.(.*)$/;

/** What the sink does after a response with a given status. */
export interface StatusOutcome {
  /** Return the events to the channel (else commit: they are consumed). */
  readonly rollback: boolean;
  /** process() returns BACKOFF (else READY). */
  readonly backoff: boolean;
  /** Add the events to EventDrainSuccessCount. */
  readonly incrementMetrics: boolean;
}

/** One `KIND.CODE = value` override. */
export interface StatusOverride {
  readonly kind: StatusRuleKind;
  /** A normalized code: `503`, or a group such as `5XX`. */
  readonly code: string;
  readonly value: boolean;
}

const EXACT_CODE = /^[1-5]\d\d$/;
const GROUP_CODE = /^([1-5])XX$/i;

/**
 * The normalized form of a CODE: a status from 100 to 599 (`503`), or a
 * group `1XX` to `5XX` in upper case (`5xx` gives `5XX`); undefined when it
 * is neither.
 */
export function parseStatusCode(code: string): string | undefined {
  if (EXACT_CODE.test(code)) return code;
  const group = GROUP_CODE.exec(code);
  return group ? `${group[1]}XX` : undefined;
}

/**
 * Resolves the outcome of each status code from defaults and overrides,
 * most specific first: the exact code, then its group, then the default.
 */
export class StatusRules {
  readonly defaults: StatusOutcome;
  readonly #overrides: ReadonlyMap<string, boolean>;

  /**
   * Rules over `defaults` (Flume's `defaultBackoff`, `defaultRollback`,
   * `defaultIncrementMetrics`). Codes must be normalized
   * ({@linkcode parseStatusCode}); a later override of the same kind and
   * code replaces an earlier one.
   */
  constructor(defaults: StatusOutcome, overrides: readonly StatusOverride[] = []) {
    this.defaults = defaults;
    this.#overrides = new Map(overrides.map((o) => [`${o.kind}.${o.code}`, o.value]));
  }

  /** What to do after a response with `status`. */
  outcome(status: number): StatusOutcome {
    return {
      rollback: this.#resolve("rollback", status),
      backoff: this.#resolve("backoff", status),
      incrementMetrics: this.#resolve("incrementMetrics", status),
    };
  }

  /** The property that decided `kind` for `status`: `rollback.503`, `rollback.5XX` or `defaultRollback`. */
  source(kind: StatusRuleKind, status: number): string {
    const exact = `${kind}.${status}`;
    if (this.#overrides.has(exact)) return exact;
    const group = `${kind}.${Math.trunc(status / 100)}XX`;
    if (this.#overrides.has(group)) return group;
    return `default${kind[0].toUpperCase()}${kind.slice(1)}`;
  }

  #resolve(kind: StatusRuleKind, status: number): boolean {
    return this.#overrides.get(`${kind}.${status}`) ??
      this.#overrides.get(`${kind}.${Math.trunc(status / 100)}XX`) ??
      this.defaults[kind];
  }
}
