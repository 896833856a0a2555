/**
 * Watching flume.conf for a live reload, as Flume's
 * PollingPropertiesFileConfigurationProvider does: the file's modification
 * time every interval, and a reload at once on request (SIGHUP). With
 * several `-f` files, each is watched and a change to any reloads them all,
 * as Flume's UriConfigurationProvider does.
 *
 * @module
 */
import type { Clock } from "../api/clock.ts";
import type { Log } from "../api/log.ts";
import { errorMessage } from "../util/errors.ts";
import { fileErrorText } from "../util/file_errors.ts";

/** Options of a ReloadWatcher. */
export interface ReloadWatcherOptions {
  /** The flume.conf to watch, or every file of the configuration. */
  readonly file: string | readonly string[];
  /** Milliseconds between two looks at the file. */
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly log: Log;
  /**
   * The file's modification time when the running configuration was read
   * (one per file, in the order of `file`); undefined when unknown.
   */
  readonly loadedMtime: number | undefined | readonly (number | undefined)[];
  /** Reads and applies the file; `reason` says why (`the file changed`, `SIGHUP received`). */
  readonly reload: (reason: string) => Promise<void>;
}

/** The modification time of `file` in epoch milliseconds; undefined when the system gives none. */
export async function modifiedAt(file: string): Promise<number | undefined> {
  return (await Deno.stat(file)).mtime?.getTime();
}

/** What the watcher knows of one file. */
interface Watched {
  readonly file: string;
  mtime: number | undefined;
  unreadable: boolean;
}

/**
 * Polls the files' modification times every interval and reloads when one
 * changed; {@linkcode ReloadWatcher.trigger} reloads at once. One reload
 * runs at a time; requests meanwhile are folded into one more.
 */
export class ReloadWatcher {
  readonly #options: ReloadWatcherOptions;
  readonly #stop = new AbortController();
  #wake = new AbortController();
  readonly #watched: readonly Watched[];
  #requested: string | undefined;
  #loop: Promise<void> | undefined;

  /** A watcher of `options.file`; nothing happens until start(). */
  constructor(options: ReloadWatcherOptions) {
    this.#options = options;
    const files = typeof options.file === "string" ? [options.file] : options.file;
    const mtimes = options.loadedMtime;
    this.#watched = files.map((file, i) => ({
      file,
      mtime: typeof mtimes === "object" ? mtimes[i] : mtimes,
      unreadable: false,
    }));
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
      const changed: string[] = [];
      for (const watched of this.#watched) {
        const mtime = await this.#look(watched);
        if (mtime !== undefined && mtime !== watched.mtime) changed.push(watched.file);
        if (mtime !== undefined) watched.mtime = mtime;
      }
      const what = this.#watched.length === 1 ? "the file" : changed.join(", ");
      const reason = this.#requested ?? (changed.length > 0 ? `${what} changed` : undefined);
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
   * A file's modification time; undefined (once warned) while it cannot
   * be read, when the running configuration stays as it is.
   */
  async #look(watched: Watched): Promise<number | undefined> {
    const { log } = this.#options;
    const { file } = watched;
    try {
      const mtime = await modifiedAt(file);
      if (watched.unreadable) log.info(`Configuration file ${file} is readable again`);
      watched.unreadable = false;
      return mtime;
    } catch (err) {
      if (!watched.unreadable) {
        log.warn(
          `Cannot watch configuration file ${file}: ${fileErrorText(err)}; ` +
            `the running configuration is kept`,
        );
      }
      watched.unreadable = true;
      return undefined;
    }
  }
}
