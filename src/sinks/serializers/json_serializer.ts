import { type Event, eventText, headersJson } from "../../api/event.ts";
import {
  estimatedBytes,
  type EventSerializer,
  type SerializerDefinition,
} from "./event_serializer.ts";
import { Utf8Buffer } from "./utf8_buffer.ts";

/** Bytes a line adds to a body with no headers: `{"headers":{},"body":""}` and the newline. */
const LINE_OVERHEAD = 26;

/** The value of `bodyEncoding` on a line whose body is base64. */
export const BASE64_ENCODING = "base64";

/** One line of the json serializer's output, parsed. */
export interface JsonEventLine {
  readonly headers: Record<string, string>;
  /** The body as text, or as base64 when `bodyEncoding` is `"base64"`. */
  readonly body: string;
  /** Present, and `"base64"`, only when the body is not valid UTF-8. */
  readonly bodyEncoding?: typeof BASE64_ENCODING;
}

/**
 * One JSON object per line (JSON Lines): `{"headers":{…},"body":"text"}`
 * when the body is valid UTF-8, else
 * `{"headers":{…},"body":"<base64>","bodyEncoding":"base64"}`. Either way
 * the body's bytes can be restored exactly. The shape is the one Flume's
 * HTTP source JSONHandler reads (one object of its array per line).
 */
export class JsonSerializer implements EventSerializer {
  readonly #out = new Utf8Buffer();
  readonly #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  readonly #encoder = new TextEncoder();

  write(event: Event, out: Uint8Array[]): void {
    out.push(this.#encoder.encode(this.#lineText(event)));
  }

  writeBatch(events: readonly Event[]): Uint8Array {
    const out = this.#out;
    out.reset(estimatedBytes(events, LINE_OVERHEAD));
    for (const event of events) out.write(this.#lineText(event));
    return out.bytes();
  }

  /** The same text as JSON.stringify(this.line(event)) + "\n", without building the object. */
  #lineText(event: Event): string {
    const headers = headersJson(event.headers);
    const text = eventText(event) ?? this.#text(event.body);
    return text === undefined
      ? `{"headers":${headers},"body":"${event.body.toBase64()}","bodyEncoding":"base64"}\n`
      : `{"headers":${headers},"body":${JSON.stringify(text)}}\n`;
  }

  /** The object written for `event`. */
  line(event: Event): JsonEventLine {
    const text = eventText(event) ?? this.#text(event.body);
    return text === undefined
      ? { headers: event.headers, body: event.body.toBase64(), bodyEncoding: BASE64_ENCODING }
      : { headers: event.headers, body: text };
  }

  /** The body as text, or undefined when it is not valid UTF-8. */
  #text(body: Uint8Array): string | undefined {
    try {
      return this.#decoder.decode(body);
    } catch {
      return undefined;
    }
  }
}

/** The `json` serializer type. */
export const JSON_SERIALIZER: SerializerDefinition = {
  name: "json",
  aliases: [],
  summary:
    'One JSON object per line: headers, and the body as text or as base64 with "bodyEncoding":"base64"',
  usesAppendNewline: false,
  create(): EventSerializer {
    return new JsonSerializer();
  },
};
