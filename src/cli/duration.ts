/**
 * `--duration`: how long an agent runs before it stops by itself, written
 * `30s`, `10m`, `2h` or as plain seconds (`90`).
 *
 * @module
 */
import type { Clock } from "../api/clock.ts";
import { UsageError } from "./usage_error.ts";

/** The longest `--duration`: a year, in seconds. */
export const MAX_DURATION_SECONDS = 365 * 24 * 3600;

/** The longest wait one timer can hold (setTimeout's signed 32-bit milliseconds). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const UNIT_SECONDS: Readonly<Record<string, number>> = { "": 1, s: 1, m: 60, h: 3600 };

/** Options of {@linkcode parseDuration}. */
export interface DurationOptions {
  /** The subcommand, for the "--help" hint. */
  readonly command: string;
}

/**
 * The seconds of a duration such as `30s`, `10m`, `2h` or `90` (seconds),
 * from 1 s to a year; a UsageError naming `--NAME` otherwise:
 * `Invalid --duration "10x": expected a whole number of seconds, or one followed by s, m or h …`.
 */
export function parseDuration(name: string, text: string, options: DurationOptions): number {
  const { command } = options;
  const match = /^(\d+)([smh]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2]] : NaN;
  if (seconds >= 1 && seconds <= MAX_DURATION_SECONDS) return seconds;
  throw new UsageError(
    `Invalid --${name} "${text}": expected a whole number of seconds, or one followed by ` +
      `s, m or h (30s, 10m, 2h), from 1s to 8760h`,
    command,
  );
}

/** A duration as `--duration` takes it, in its largest whole unit: `90` → `90s`, `600` → `10m`. */
export function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** Options of {@linkcode sleepLong}. */
export interface SleepLongOptions {
  /** The clock to sleep on. */
  readonly clock: Clock;
  /** Aborting ends the sleep early. */
  readonly signal: AbortSignal;
}

/**
 * Sleeps `ms`, in steps one timer can hold, so that durations beyond 24.8
 * days do not overflow setTimeout. Ends early when `signal` aborts; never
 * rejects.
 */
export async function sleepLong(ms: number, options: SleepLongOptions): Promise<void> {
  const { clock, signal } = options;
  const end = clock.now() + ms;
  while (!signal.aborted) {
    const left = end - clock.now();
    if (left <= 0) return;
    await clock.sleep(Math.min(left, MAX_TIMER_MS), signal);
  }
}
