/**
 * Watching flume.conf for a live reload, as Flume's
 * PollingPropertiesFileConfigurationProvider does: the file's modification
 * time every interval, and a reload at once on request (SIGHUP).
 *
 * @module
 */
import type { Clock } from "../api/clock.ts";
import type { Log } from "../api/log.ts";
import { errorMessage } from "../util/errors.ts";
import { fileErrorText } from "../util/file_errors.ts";

/** Options of a ReloadWatcher. */
export interface ReloadWatcherOptions {
  /** The flume.conf to watch. */
  readonly file: string;
  /** Milliseconds between two looks at the file. */
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly log: Log;
  /** The file's modification time when the running configuration was read; undefined when unknown. */
  readonly loadedMtime: number | undefined;
  /** Reads and applies the file; `reason` says why (`the file changed`, `SIGHUP received`). */
  readonly reload: (reason: string) => Promise<void>;
}

/** The modification time of `file` in epoch milliseconds; undefined when the system gives none. */
export async function modifiedAt(file: string): Promise<number | undefined> {
  return (await Deno.stat(file)).mtime?.getTime();
}

/**
 * Polls the file's modification time every interval and reloads when it
 * changed; {@linkcode ReloadWatcher.trigger} reloads at once. One reload
 * runs at a time; requests meanwhile are folded into one more.
 */
export class ReloadWatcher {
  readonly #options: ReloadWatcherOptions;
  readonly #stop = new AbortController();
  #wake = new AbortController();
  #mtime: number | undefined;
  #requested: string | undefined;
  #unreadable = false;
  #loop: Promise<void> | undefined;

  /** A watcher of `options.file`; nothing happens until start(). */
  constructor(options: ReloadWatcherOptions) {
    this.#options = options;
    this.#mtime = options.loadedMtime;
  }

  /** Starts polling. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Reloads at once (after a reload in progress), whether or not the file changed. */
  trigger(reason: string): void {
    this.#requested ??= reason;
    this.#wake.abort();
  }

  /** Stops polling and waits for a reload in progress. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { clock, intervalMs } = this.#options;
    const stopped = this.#stop.signal;
    while (!stopped.aborted) {
      if (this.#requested === undefined) await clock.sleep(intervalMs, this.#wake.signal);
      if (this.#wake.signal.aborted) this.#wake = new AbortController();
      if (stopped.aborted) break;
      const mtime = await this.#look();
      const changed = mtime !== undefined && mtime !== this.#mtime;
      if (mtime !== undefined) this.#mtime = mtime;
      const reason = this.#requested ?? (changed ? "the file changed" : undefined);
      this.#requested = undefined;
      if (reason === undefined) continue;
      try {
        await this.#options.reload(reason);
      } catch (err) {
        this.#options.log.error(`Reload failed: ${errorMessage(err)}`);
      }
    }
  }

  /**
   * The file's modification time; undefined (once warned) while it cannot
   * be read, when the running configuration stays as it is.
   */
  async #look(): Promise<number | undefined> {
    const { file, log } = this.#options;
    try {
      const mtime = await modifiedAt(file);
      if (this.#unreadable) log.info(`Configuration file ${file} is readable again`);
      this.#unreadable = false;
      return mtime;
    } catch (err) {
      if (!this.#unreadable) {
        log.warn(
          `Cannot watch configuration file ${file}: ${fileErrorText(err)}; ` +
            `the running configuration is kept`,
        );
      }
      this.#unreadable = true;
      return undefined;
    }
  }
}
