import { join } from "node:path";
import type { ComponentSpec, Reporter } from "../config/component_spec.ts";
import type { Settings } from "../config/settings.ts";
import { didYouMean } from "../config/suggest.ts";
import { type Channel, ChannelError } from "../core/channel.ts";
import type { Clock } from "../core/clock.ts";
import type { ComponentContext, Sink, SinkDefinition } from "../core/component.ts";
import { type CounterGroup, SINK_COUNTERS } from "../core/counters.ts";
import { errorMessage } from "../core/errors.ts";
import type { Event } from "../core/event.ts";
import type { Status } from "../core/lifecycle.ts";
import type { Log } from "../core/log.ts";
import { BatchFile } from "./batch_file.ts";
import { defaultFileName } from "./path_manager.ts";
import { countBatch, takeBatch } from "./sink_batch.ts";
import {
  type EventSerializer,
  findSerializer,
  serializerNames,
  SERIALIZERS,
} from "./serializers/mod.ts";

/** How many taken names in a row are skipped before opening a file gives up. */
const MAX_NAME_ATTEMPTS = 1000;

/** The file_roll sink's configuration, as Flume documents it. */
export const FILE_ROLL_SINK_SPEC: ComponentSpec = {
  category: "sink",
  type: "file_roll",
  aliases: ["org.apache.flume.sink.RollingFileSink"],
  summary: "Writes events to files in a local directory, a new file every `sink.rollInterval`",
  batchSizeProperty: "sink.batchSize",
  properties: [
    {
      name: "sink.directory",
      kind: "string",
      required: true,
      doc: "The directory the files go to; created at start when missing",
    },
    {
      name: "sink.rollInterval",
      kind: "int",
      default: 30,
      min: 0,
      doc: "Seconds before the next batch goes to a new file; 0 writes one file forever",
    },
    {
      name: "sink.pathManager",
      kind: "string",
      default: "DEFAULT",
      doc: "How files are named; only `DEFAULT`: `<prefix><startMillis>-<n>[.<extension>]`",
    },
    {
      name: "sink.pathManager.prefix",
      kind: "string",
      default: "",
      defaultText: "empty",
      doc: "Text at the start of every file name",
    },
    {
      name: "sink.pathManager.extension",
      kind: "string",
      default: "",
      defaultText: "empty",
      doc: "File name extension, without the dot",
    },
    {
      name: "sink.serializer",
      kind: "string",
      default: "TEXT",
      doc: "How events are written, any case: `TEXT` (the body bytes, as Flume writes them) " +
        "or `json` (one object per line with headers and body)",
    },
    {
      name: "sink.serializer.appendNewline",
      kind: "boolean",
      default: true,
      doc: "`TEXT` only: write a newline after each body",
    },
    {
      name: "sink.batchSize",
      kind: "int",
      default: 100,
      min: 1,
      doc: "Most events per transaction, written and flushed to disk before it commits",
    },
  ],
  check: checkFileRollSettings,
};

/** The `file_roll` sink type. */
export const FILE_ROLL_SINK: SinkDefinition = {
  spec: FILE_ROLL_SINK_SPEC,
  create(ctx: ComponentContext, channel: Channel): Sink {
    const s = ctx.settings;
    const serializer = findSerializer(s.string("sink.serializer") ?? "TEXT");
    if (!serializer) throw new RangeError(`Unknown serializer "${s.string("sink.serializer")}"`);
    return new FileRollSink(ctx.name, channel, {
      counters: ctx.counters.create("SINK", ctx.name, SINK_COUNTERS),
      log: ctx.log,
      clock: ctx.clock,
      directory: s.string("sink.directory") ?? "",
      rollInterval: s.number("sink.rollInterval"),
      prefix: s.string("sink.pathManager.prefix"),
      extension: s.string("sink.pathManager.extension"),
      serializer: serializer.create({ appendNewline: s.boolean("sink.serializer.appendNewline") }),
      batchSize: s.number("sink.batchSize"),
    });
  },
};

/** Cross-property rules: a usable directory, and a path manager and serializer that exist. */
function checkFileRollSettings(settings: Settings, report: Reporter): void {
  if (settings.has("sink.directory") && (settings.string("sink.directory") ?? "").trim() === "") {
    report({ property: "sink.directory", message: "Invalid sink.directory: must not be empty" });
  }
  const pathManager = settings.string("sink.pathManager") ?? "DEFAULT";
  if (pathManager.trim().toUpperCase() !== "DEFAULT") {
    report({
      property: "sink.pathManager",
      message: `Unsupported sink.pathManager "${pathManager}": only DEFAULT is available`,
      hint: "remove sink.pathManager; use sink.pathManager.prefix and .extension to shape names",
    });
  }
  for (const name of ["sink.pathManager.prefix", "sink.pathManager.extension"]) {
    const value = settings.string(name) ?? "";
    if (/[/\\]/.test(value)) {
      report({
        property: name,
        message: `Invalid ${name} "${value}": must not contain a path separator`,
        hint: "put the path in sink.directory",
      });
    }
  }
  const name = settings.string("sink.serializer") ?? "TEXT";
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
  } else if (settings.has("sink.serializer.appendNewline") && !serializer.usesAppendNewline) {
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
  readonly counters: CounterGroup;
  readonly log: Log;
  readonly clock: Clock;
  /** Where the files go; created by `start()` when missing. */
  readonly directory: string;
  /** How events become bytes. */
  readonly serializer: EventSerializer;
  /** Seconds a file takes batches before the next batch opens a new one; 0 never rolls. @default 30 */
  readonly rollInterval?: number;
  /** Text at the start of every file name. @default "" */
  readonly prefix?: string;
  /** File name extension, without the dot. @default "" */
  readonly extension?: string;
  /** Most events per transaction. @default 100 */
  readonly batchSize?: number;
}

/**
 * Flume's RollingFileSink: writes each batch of events to the current file
 * in a directory, flushed to disk before the channel transaction commits;
 * a batch that cannot be written completely is cut off again and rolled
 * back into the channel. Files are named as Flume's DefaultPathManager
 * names them and opened when the first event for them arrives (no empty
 * files); the current file is closed once `rollInterval` seconds have
 * passed since it was opened, so a batch never spans two files.
 */
export class FileRollSink implements Sink {
  readonly name: string;
  readonly channel: Channel;
  readonly counters: CounterGroup;
  readonly directory: string;
  readonly batchSize: number;
  readonly #log: Log;
  readonly #clock: Clock;
  readonly #serializer: EventSerializer;
  readonly #rollMs: number;
  readonly #prefix: string;
  readonly #extension: string;
  /** The start time that names this run's files; set by `start()`. */
  #series: number | undefined;
  /** The number of the last file opened (or skipped) in the series. */
  #index = 0;
  #file: BatchFile | undefined;
  #openedAt = 0;

  /** A sink draining `channel` into files in `options.directory`. */
  constructor(name: string, channel: Channel, options: FileRollSinkOptions) {
    this.name = name;
    this.channel = channel;
    this.counters = options.counters;
    this.directory = options.directory;
    this.batchSize = options.batchSize ?? 100;
    this.#log = options.log;
    this.#clock = options.clock;
    this.#serializer = options.serializer;
    this.#rollMs = (options.rollInterval ?? 30) * 1000;
    this.#prefix = options.prefix ?? "";
    this.#extension = options.extension ?? "";
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

  /**
   * Rolls the file when due, then takes up to batchSize events, writes
   * them and flushes them to disk, and commits. A failure rolls the events
   * back into the channel, in order, and throws so that the runner backs off.
   */
  async process(): Promise<Status> {
    if (this.#file && this.#rollMs > 0 && this.#clock.now() - this.#openedAt >= this.#rollMs) {
      this.#closeFile();
    }
    const c = this.counters;
    const tx = this.channel.getTransaction();
    let taken: Event[] = [];
    let written: string | undefined;
    try {
      tx.begin();
      taken = takeBatch(tx, this.batchSize);
      c.add("EventDrainAttemptCount", taken.length);
      if (taken.length > 0) written = await this.#write(taken);
      await tx.commit();
    } catch (err) {
      tx.rollback();
      throw this.#failure(err, taken.length, written);
    } finally {
      tx.close();
    }
    c.add("EventDrainSuccessCount", taken.length);
    countBatch(c, taken.length, this.batchSize);
    return taken.length < this.batchSize ? "IDLE" : "READY";
  }

  /**
   * Counts a failed transaction as Flume does (ChannelReadFail for a
   * channel's error, else EventWriteFail) and says what happened to the events.
   */
  #failure(err: unknown, count: number, written: string | undefined): Error {
    const channelFailed = err instanceof ChannelError;
    this.counters.add(channelFailed ? "ChannelReadFail" : "EventWriteFail");
    const channel = `channel "${this.channel.name}"`;
    if (written !== undefined) {
      this.#log.warn(
        `${count} event(s) were written to "${written}" but ${channel} did not commit ` +
          `their take: they will be written again`,
      );
      return new Error(
        `Failed to commit ${count} event(s) taken from ${channel}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    if (channelFailed) {
      return new Error(`Failed to take events from ${channel}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    return new Error(`${errorMessage(err)}; the ${count} event(s) stay in ${channel}`, {
      cause: err,
    });
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
    if (this.#series === undefined) throw new Error(`Sink "${this.name}" is not started`);
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
        this.counters.add("ConnectionFailedCount");
        throw new Error(
          `Failed to open "${path}" for ${count} event(s): ${errorMessage(err)}`,
          { cause: err },
        );
      }
      this.#index++;
      this.#openedAt = this.#clock.now();
      this.counters.add("ConnectionCreatedCount");
      this.#log.debug(`Opened "${path}"`);
      return this.#file;
    }
  }

  /** Closes the current file, if one is open. Its batches are on disk already. */
  #closeFile(): void {
    const file = this.#file;
    if (!file) return;
    this.#file = undefined;
    try {
      file.close();
      this.counters.add("ConnectionClosedCount");
      this.#log.debug(`Closed "${file.path}" (${file.size} bytes)`);
    } catch (err) {
      this.counters.add("ConnectionFailedCount");
      this.#log.warn(`Failed to close "${file.path}": ${errorMessage(err)}`);
    }
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
