import { join } from "node:path";
import type { Clock } from "../api/clock.ts";
import { defineSink } from "../api/component.ts";
import type { CounterGroup, SinkCounter } from "../api/counters.ts";
import type { Event } from "../api/event.ts";
import type { Log } from "../api/log.ts";
import {
  boolean,
  type CheckedProperties,
  duration,
  int,
  path,
  type Reporter,
  string,
} from "../api/properties.ts";
import type { Delivery, SinkWriter } from "../api/sink.ts";
import { errorMessage } from "../util/errors.ts";
import { didYouMean } from "../util/suggest.ts";
import { ProblemLog } from "./_problem_log.ts";
import { BatchFile } from "./batch_file.ts";
import { defaultFileName } from "./path_manager.ts";
import {
  type EventSerializer,
  findSerializer,
  serializerNames,
  SERIALIZERS,
} from "./serializers/mod.ts";

/** How many taken names in a row are skipped before opening a file gives up. */
const MAX_NAME_ATTEMPTS = 1000;

/** The file_roll sink's properties, as Flume documents them. */
const FILE_ROLL_PROPERTIES = {
  "sink.directory": path({
    required: true,
    doc: "The directory the files go to; created at start when missing",
  }),
  "sink.rollInterval": duration({
    unit: "s",
    default: 30,
    timer: false,
    doc: "Seconds before the next batch goes to a new file; 0 writes one file forever",
  }),
  "sink.pathManager": string({
    default: "DEFAULT",
    doc: "How files are named; only `DEFAULT`: `<prefix><startMillis>-<n>[.<extension>]`",
  }),
  "sink.pathManager.prefix": string({
    default: "",
    defaultText: "empty",
    doc: "Text at the start of every file name",
  }),
  "sink.pathManager.extension": string({
    default: "",
    defaultText: "empty",
    doc: "File name extension, without the dot",
  }),
  "sink.serializer": string({
    default: "TEXT",
    doc: "How events are written, any case: `TEXT` (the body bytes, as Flume writes them) " +
      "or `json` (one object per line with headers and body)",
  }),
  "sink.serializer.appendNewline": boolean({
    default: true,
    doc: "`TEXT` only: write a newline after each body",
  }),
  "sink.batchSize": int({
    default: 100,
    min: 1,
    doc: "Most events per transaction, written and flushed to disk before it commits",
  }),
} as const;

/** The `file_roll` sink type. */
export const FILE_ROLL_SINK = defineSink({
  type: "file_roll",
  aliases: ["org.apache.flume.sink.RollingFileSink"],
  summary: "Writes events to files in a local directory, a new file every `sink.rollInterval`",
  example: `
a1.sinks = k1
a1.sinks.k1.type = file_roll
a1.sinks.k1.channel = c1
a1.sinks.k1.sink.directory = /var/log/flume-ws
a1.sinks.k1.sink.rollInterval = 3600
a1.sinks.k1.sink.serializer = json`,
  batchSizeProperty: "sink.batchSize",
  properties: FILE_ROLL_PROPERTIES,
  check: checkFileRollSettings,
  directories: (config) => [
    { property: "sink.directory", path: config["sink.directory"], exclusive: false },
  ],
  create: ({ config, counters, log, clock, channel }) => {
    const serializer = findSerializer(config["sink.serializer"]);
    if (!serializer) throw new RangeError(`Unknown serializer "${config["sink.serializer"]}"`);
    return new FileRollSink({
      counters,
      log,
      clock,
      channel,
      directory: config["sink.directory"],
      rollIntervalMs: config["sink.rollInterval"],
      prefix: config["sink.pathManager.prefix"],
      extension: config["sink.pathManager.extension"],
      serializer: serializer.create({ appendNewline: config["sink.serializer.appendNewline"] }),
      batchSize: config["sink.batchSize"],
    });
  },
});

/** Cross-property rules: a path manager and serializer that exist, names without separators. */
function checkFileRollSettings(
  props: CheckedProperties<typeof FILE_ROLL_PROPERTIES>,
  report: Reporter,
): void {
  const pathManager = props.get("sink.pathManager") ?? "DEFAULT";
  if (pathManager.trim().toUpperCase() !== "DEFAULT") {
    report({
      property: "sink.pathManager",
      message: `Unsupported sink.pathManager "${pathManager}": only DEFAULT is available`,
      hint: "remove sink.pathManager; use sink.pathManager.prefix and .extension to shape names",
    });
  }
  for (const name of ["sink.pathManager.prefix", "sink.pathManager.extension"] as const) {
    const value = props.get(name) ?? "";
    if (/[/\\]/.test(value)) {
      report({
        property: name,
        message: `Invalid ${name} "${value}": must not contain a path separator`,
        hint: "put the path in sink.directory",
      });
    }
  }
  const name = props.get("sink.serializer") ?? "TEXT";
  const serializer = findSerializer(name);
  if (!serializer) {
    const names = SERIALIZERS.flatMap((s) => [s.name, ...s.aliases]);
    const suggestion = didYouMean(name.trim(), names);
    report({
      property: "sink.serializer",
      message: `Unknown serializer "${name}": expected one of ${serializerNames()}`,
      hint: suggestion ??
        (name.trim().toLowerCase() === "avro_event"
          ? "Flume's avro_event (Avro container files) is not available; json keeps headers and body"
          : `available serializers: ${serializerNames()}`),
    });
  } else if (props.has("sink.serializer.appendNewline") && !serializer.usesAppendNewline) {
    report({
      severity: "warning",
      property: "sink.serializer.appendNewline",
      message: `sink.serializer.appendNewline does not apply to the ${serializer.name} ` +
        `serializer: ignored`,
      hint: `${serializer.name} always ends each event with a newline`,
    });
  }
}

/** Collaborators and options of a FileRollSink. */
export interface FileRollSinkOptions {
  readonly counters: CounterGroup<SinkCounter>;
  readonly log: Log;
  readonly clock: Clock;
  /** The channel the sink drains, for messages. @default "the channel" */
  readonly channel?: string;
  /** Where the files go; created by `start()` when missing. */
  readonly directory: string;
  /** How events become bytes. */
  readonly serializer: EventSerializer;
  /** Milliseconds a file takes batches before the next batch opens a new one; 0 never rolls. */
  readonly rollIntervalMs: number;
  /** Text at the start of every file name. */
  readonly prefix: string;
  /** File name extension, without the dot. */
  readonly extension: string;
  /** Most events per transaction. */
  readonly batchSize: number;
}

/** The answer for a batch on disk. */
const WRITTEN: Delivery = Object.freeze({ outcome: "commit" });
/** The answer for a batch that found the disk full: back into the channel, retried after a backoff. */
const NO_SPACE: Delivery = Object.freeze({
  outcome: "rollback",
  backoff: true,
  failed: 1,
  reason: "no space left on the device",
});
/** Error codes of a write that failed for want of space: the disk, or the user's quota. */
const NO_SPACE_CODES: ReadonlySet<string> = new Set(["ENOSPC", "EDQUOT"]);

/**
 * Flume's RollingFileSink: writes each batch of events to the current file
 * in a directory, flushed to disk before the channel transaction commits;
 * a batch that cannot be written completely is cut off again and rolled
 * back into the channel. Files are named as Flume's DefaultPathManager
 * names them and opened when the first event for them arrives (no empty
 * files); the next batch after `rollInterval` since a file was opened goes
 * to a new file, so a batch never spans two files.
 */
export class FileRollSink implements SinkWriter {
  readonly directory: string;
  readonly batchSize: number;
  readonly #counters: CounterGroup<SinkCounter>;
  readonly #log: Log;
  readonly #clock: Clock;
  readonly #serializer: EventSerializer;
  readonly #rollMs: number;
  readonly #prefix: string;
  readonly #extension: string;
  readonly #channel: string;
  /** The start time that names this run's files; set by `start()`. */
  #series: number | undefined;
  /** The number of the last file opened (or skipped) in the series. */
  #index = 0;
  #file: BatchFile | undefined;
  #openedAt = 0;
  /** Events written to the current file. */
  #fileEvents = 0;
  /** Failed writes since the last one that succeeded, and when the first of them failed. */
  #failures = 0;
  #failingSince = 0;
  /** Says a full disk once, not at every retry. */
  readonly #problems: ProblemLog;

  /** A writer into files in `options.directory`. */
  constructor(options: FileRollSinkOptions) {
    this.#counters = options.counters;
    this.directory = options.directory;
    this.batchSize = options.batchSize;
    this.#log = options.log;
    this.#clock = options.clock;
    this.#serializer = options.serializer;
    this.#rollMs = options.rollIntervalMs;
    this.#prefix = options.prefix;
    this.#extension = options.extension;
    this.#channel = options.channel === undefined ? "the channel" : `channel "${options.channel}"`;
    this.#problems = new ProblemLog(options.log, options.clock);
  }

  /** The file batches go to now, if one is open. */
  get currentFile(): string | undefined {
    return this.#file?.path;
  }

  /** Creates the directory when missing and starts a new series of file names. */
  async start(): Promise<void> {
    await this.#ensureDirectory();
    this.#series = this.#clock.now();
    this.#index = 0;
    const pattern = defaultFileName({
      prefix: this.#prefix,
      seriesTimestamp: this.#series,
      index: 0,
      extension: this.#extension,
    }).replace(`${this.#series}-0`, `${this.#series}-N`);
    const roll = this.#rollMs > 0 ? `a new file every ${this.#rollMs / 1000} s` : "never rolled";
    this.#log.info(`Writing to ${join(this.directory, pattern)} (${roll})`);
  }

  /** Closes the current file. */
  stop(): Promise<void> {
    this.#closeFile();
    return Promise.resolve();
  }

  /** Closes the current file once rollInterval has passed since it was opened, as Flume does. */
  beforeTake(): void {
    if (this.#file && this.#rollMs > 0 && this.#clock.now() - this.#openedAt >= this.#rollMs) {
      this.#closeFile();
    }
  }

  /**
   * Writes the batch to the current file (opened if needed) and flushes it
   * to disk. A failure throws: the framework rolls the events back into the
   * channel, in order, and the runner backs off. A full disk (ENOSPC,
   * EDQUOT) rolls back and backs off the same way without throwing, so that
   * it is logged once (then once a minute while it lasts) instead of at
   * every retry; the first write that succeeds again says so.
   */
  async deliver(events: readonly Event[]): Promise<Delivery> {
    let path: string;
    try {
      path = await this.#write(events);
    } catch (err) {
      if (this.#failures++ === 0) this.#failingSince = this.#clock.now();
      if (!isNoSpace(err)) throw err;
      this.#problems.report(
        "no space",
        `${errorMessage(err)}; the ${events.length} event(s) stay in ${this.#channel} and are ` +
          `written again once there is space (logged once a minute while the disk is full)`,
      );
      return NO_SPACE;
    }
    if (this.#failures > 0) {
      const seconds = ((this.#clock.now() - this.#failingSince) / 1000).toFixed(1);
      this.#log.info(
        `Writing resumed: ${events.length} event(s) written to "${path}" after ` +
          `${this.#failures} failed attempt(s) over ${seconds} s`,
      );
      this.#failures = 0;
      this.#problems.reset();
    }
    return WRITTEN;
  }

  /** Writes the events to the current file (opened if needed); returns its path. */
  async #write(events: readonly Event[]): Promise<string> {
    const serializer = this.#serializer;
    const chunks: Uint8Array[] = [];
    if (serializer.writeBatch) chunks.push(serializer.writeBatch(events));
    else for (const event of events) serializer.write(event, chunks);
    const file = this.#file ?? await this.#openNext(events.length);
    try {
      await file.append(chunks);
      this.#fileEvents += events.length;
    } catch (err) {
      if (file.damage) {
        this.#log.error(`"${file.path}" ${file.damage}: the next batch goes to a new file`);
        this.#closeFile();
      }
      throw new Error(
        `Failed to write ${events.length} event(s) to "${file.path}": ${errorMessage(err)}`,
        { cause: err },
      );
    }
    return file.path;
  }

  /** Opens the next file of the series, skipping names that are taken. */
  async #openNext(count: number): Promise<BatchFile> {
    if (this.#series === undefined) {
      throw new Error(`Sink writing to "${this.directory}" is not started`);
    }
    let recreated = false;
    for (let attempt = 1;; attempt++) {
      const path = join(
        this.directory,
        defaultFileName({
          prefix: this.#prefix,
          seriesTimestamp: this.#series,
          index: this.#index + 1,
          extension: this.#extension,
        }),
      );
      try {
        this.#file = await BatchFile.create(path);
      } catch (err) {
        if (err instanceof Deno.errors.AlreadyExists && attempt < MAX_NAME_ATTEMPTS) {
          this.#log.warn(`"${path}" already exists: left alone, trying the next number`);
          this.#index++;
          continue;
        }
        if (err instanceof Deno.errors.NotFound && !recreated) {
          recreated = await this.#recreateDirectory(count);
          if (recreated) continue;
        }
        this.#counters.add("ConnectionFailedCount");
        throw new Error(
          `Failed to open "${path}" for ${count} event(s): ${errorMessage(err)}`,
          { cause: err },
        );
      }
      this.#index++;
      this.#openedAt = this.#clock.now();
      this.#fileEvents = 0;
      this.#counters.add("ConnectionCreatedCount");
      this.#log.debug(`Opened "${path}"`);
      return this.#file;
    }
  }

  /**
   * Closes the current file, if one is open. Its batches are on disk
   * already, unless the file was deleted meanwhile: then they are gone, and
   * that is logged with their count.
   */
  #closeFile(): void {
    const file = this.#file;
    if (!file) return;
    this.#file = undefined;
    const events = this.#fileEvents;
    this.#fileEvents = 0;
    let deleted = false;
    try {
      deleted = events > 0 && file.isDeleted();
    } catch (err) {
      this.#log.warn(`Cannot tell whether "${file.path}" still exists: ${errorMessage(err)}`);
    }
    if (deleted) {
      this.#log.warn(
        `"${file.path}" was deleted while open: the ${events} event(s) written to it, ` +
          `already taken from the channel, are lost with it`,
      );
    }
    try {
      file.close();
      this.#counters.add("ConnectionClosedCount");
      this.#log.debug(`Closed "${file.path}" (${file.size} bytes)`);
    } catch (err) {
      this.#counters.add("ConnectionFailedCount");
      this.#log.warn(`Failed to close "${file.path}": ${errorMessage(err)}`);
    }
  }

  /**
   * Creates the directory again when it was removed while the sink ran;
   * false when it is there (something else failed the open).
   */
  async #recreateDirectory(count: number): Promise<boolean> {
    try {
      await Deno.stat(this.directory);
      return false;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) return false;
    }
    try {
      await Deno.mkdir(this.directory, { recursive: true });
    } catch (err) {
      this.#counters.add("ConnectionFailedCount");
      throw new Error(
        `Cannot recreate sink.directory "${this.directory}" for ${count} event(s): ` +
          errorMessage(err),
        { cause: err },
      );
    }
    this.#log.warn(
      `Recreated directory ${this.directory}: it was removed while the sink was running`,
    );
    return true;
  }

  /** Creates the directory when it is missing; rejects when the path is not a directory. */
  async #ensureDirectory(): Promise<void> {
    let info: Deno.FileInfo | undefined;
    try {
      info = await Deno.stat(this.directory);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        throw new Error(`Cannot use sink.directory "${this.directory}"`, { cause: err });
      }
    }
    if (info && !info.isDirectory) {
      throw new Error(`Cannot use sink.directory "${this.directory}": not a directory`);
    }
    if (info) return;
    try {
      await Deno.mkdir(this.directory, { recursive: true });
    } catch (err) {
      throw new Error(`Cannot create sink.directory "${this.directory}"`, { cause: err });
    }
    this.#log.info(`Created directory ${this.directory}`);
  }
}

/** Whether `err`, or an error it was caused by, is a write that failed for want of space. */
function isNoSpace(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NO_SPACE_CODES.has(code)) return true;
  }
  return false;
}
