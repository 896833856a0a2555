import type { Event } from "../api/event.ts";

const HEX = "0123456789ABCDEF";

/**
 * Flume's `EventHelper.dumpEvent`: the headers as `{k1=v1, k2=v2}` and the
 * first `maxBytes` of the body as commons-io's HexDump prints them (the first
 * offset dropped, the trailing line break removed).
 */
export function dumpEvent(event: Event, maxBytes = 16): string {
  return `{ headers:${dumpHeaders(event.headers)} body:${
    hexDump(event.body.subarray(0, Math.max(0, maxBytes)))
  } }`;
}

/** Headers as Java's `Map.toString` prints them: `{k1=v1, k2=v2}`. */
export function dumpHeaders(headers: Record<string, string>): string {
  return `{${Object.entries(headers).map(([k, v]) => `${k}=${v}`).join(", ")}}`;
}

/**
 * commons-io `HexDump.dump` of `data` from offset 0, as Flume trims it: rows
 * of 16 bytes (uppercase hex, three spaces per missing byte, then the bytes
 * 0x20–0x7E as text and others as `.`), later rows prefixed by their
 * 8-digit offset, the first row's offset removed and no final line break.
 */
export function hexDump(data: Uint8Array): string {
  if (data.length === 0) return "";
  const rows: string[] = [];
  for (let start = 0; start < data.length; start += 16) {
    const count = Math.min(16, data.length - start);
    let row = start === 0 ? "" : offset(start);
    let text = "";
    for (let k = 0; k < 16; k++) {
      if (k < count) {
        const b = data[start + k];
        row += " " + HEX[b >> 4] + HEX[b & 15];
        text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
      } else {
        row += "   ";
      }
    }
    rows.push(`${row} ${text}`);
  }
  return rows.join("\n");
}

function offset(n: number): string {
  let out = "";
  for (let shift = 28; shift >= 0; shift -= 4) out += HEX[(n >>> shift) & 15];
  return out;
}
