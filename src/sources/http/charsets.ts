/**
 * The charsets of Flume's JSONHandler (UTF-8, UTF-16, UTF-32) as Java
 * reads and writes them: decoding honours a byte-order mark and is
 * big-endian without one; encoding writes UTF-16 big-endian after a BOM
 * (Java's `"UTF-16"`), UTF-32 big-endian without one.
 *
 * @module
 */

/** A charset the JSON handler accepts. */
export type JsonCharset = "UTF-8" | "UTF-16" | "UTF-32";

const UTF8_DECODER = new TextDecoder("utf-8", { fatal: true });
const UTF16BE_DECODER = new TextDecoder("utf-16be", { fatal: true });
const UTF16LE_DECODER = new TextDecoder("utf-16le", { fatal: true });
const ENCODER = new TextEncoder();

/** The charset `name` (any case) names, or undefined when the handler does not take it. */
export function jsonCharset(name: string): JsonCharset | undefined {
  const upper = name.trim().replace(/^"|"$/g, "").toUpperCase();
  return upper === "UTF-8" || upper === "UTF-16" || upper === "UTF-32" ? upper : undefined;
}

/** The `charset` parameter of a Content-Type header, if any. */
export function charsetParameter(contentType: string | null): string | undefined {
  if (contentType === null) return undefined;
  for (const part of contentType.split(";").slice(1)) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim().toLowerCase() === "charset") {
      return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}

/** Decodes `bytes`; throws TypeError on bytes that are not valid in `charset`. */
export function decodeText(bytes: Uint8Array, charset: JsonCharset): string {
  if (charset === "UTF-8") return UTF8_DECODER.decode(bytes);
  if (charset === "UTF-16") {
    if (bytes.length % 2 !== 0) throw new TypeError("Odd number of bytes in UTF-16 text");
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return UTF16LE_DECODER.decode(bytes.subarray(2));
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return UTF16BE_DECODER.decode(bytes.subarray(2));
    return UTF16BE_DECODER.decode(bytes);
  }
  return decodeUtf32(bytes);
}

/** Encodes `text` as Java's `String.getBytes(charset)` does. */
export function encodeText(text: string, charset: JsonCharset): Uint8Array {
  if (charset === "UTF-8") return ENCODER.encode(text);
  if (charset === "UTF-16") {
    const out = new Uint8Array(2 + text.length * 2);
    out[0] = 0xfe;
    out[1] = 0xff;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      out[2 + 2 * i] = unit >> 8;
      out[3 + 2 * i] = unit & 0xff;
    }
    return out;
  }
  const points = [...text].map((c) => c.codePointAt(0) ?? 0);
  const out = new Uint8Array(points.length * 4);
  const view = new DataView(out.buffer);
  points.forEach((point, i) => view.setUint32(i * 4, point));
  return out;
}

function decodeUtf32(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new TypeError("UTF-32 text is not a multiple of 4 bytes");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little = false;
  let start = 0;
  if (bytes.length >= 4) {
    const first = view.getUint32(0);
    if (first === 0x0000feff) start = 4;
    else if (first === 0xfffe0000) [little, start] = [true, 4];
  }
  let text = "";
  for (let i = start; i < bytes.length; i += 4) {
    const point = view.getUint32(i, little);
    if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) {
      throw new TypeError(`Invalid UTF-32 code point 0x${point.toString(16)}`);
    }
    text += String.fromCodePoint(point);
  }
  return text;
}
