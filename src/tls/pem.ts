/**
 * PEM (RFC 7468) blocks: base64 DER between `-----BEGIN LABEL-----` and
 * `-----END LABEL-----` lines.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/** One PEM block. */
export interface PemBlock {
  /** The label, as `CERTIFICATE` or `PRIVATE KEY`. */
  readonly label: string;
  /** `Key: value` header lines before the base64 (legacy encrypted keys have them). */
  readonly headers: Readonly<Record<string, string>>;
  /** The decoded content. */
  readonly der: Uint8Array;
  /** The block's text, BEGIN and END lines included. */
  readonly text: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

/** Every PEM block in `text`, in order; text outside the blocks is ignored. */
export function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const [whole, label, body] = match;
    const headers: Record<string, string> = {};
    let base64 = body;
    const split = body.search(/\r?\n\r?\n/);
    if (split >= 0 && body.slice(0, split).includes(":")) {
      for (const line of body.slice(0, split).split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
      base64 = body.slice(split);
    }
    if (!BASE64.test(base64)) {
      throw new TypeError(`Invalid PEM block "${label}": not base64`);
    }
    const der = new Uint8Array(Buffer.from(base64.replace(/\s/g, ""), "base64"));
    blocks.push({ label, headers, der, text: whole });
  }
  return blocks;
}

/** `der` as a PEM block labelled `label`, 64 base64 characters a line, ending in a newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
