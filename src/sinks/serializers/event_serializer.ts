import { type Event, eventSize } from "../../api/event.ts";

/**
 * Turns events into the bytes a file sink writes (Flume's EventSerializer).
 * A serializer writes whole events only: the sink writes a batch's bytes at
 * once, so a file never holds part of an event.
 */
export interface EventSerializer {
  /** Appends the bytes of `event` to `out`, in order. */
  write(event: Event, out: Uint8Array[]): void;
  /**
   * The bytes of a whole batch at once, when the serializer can make them
   * faster than event by event. They may be a view of a buffer the
   * serializer reuses: valid until its next writeBatch call.
   */
  writeBatch?(events: readonly Event[]): Uint8Array;
}

/** The `sink.serializer.*` settings a serializer is created with. */
export interface SerializerOptions {
  /** Append `\n` after each event body (TEXT only). @default true */
  readonly appendNewline: boolean;
}

/** A serializer type: the names `sink.serializer` accepts and its factory. */
export interface SerializerDefinition {
  /** The canonical name (`TEXT`, `json`); names match case-insensitively. */
  readonly name: string;
  /** Other accepted names, such as Flume's builder class name. */
  readonly aliases: readonly string[];
  /** One line describing the output. */
  readonly summary: string;
  /** Whether `sink.serializer.appendNewline` applies to it. */
  readonly usesAppendNewline: boolean;
  /** A serializer configured with `options`. */
  create(options: SerializerOptions): EventSerializer;
}

/** About the bytes a batch takes: each event's size plus `overhead`, for a first buffer. */
export function estimatedBytes(events: readonly Event[], overhead: number): number {
  let bytes = 0;
  for (const event of events) bytes += eventSize(event) + overhead;
  return bytes;
}
