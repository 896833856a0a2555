/**
 * Reader for Java `.properties` text, following the grammar of
 * `java.util.Properties.load(Reader)` exactly while keeping the line number of each key.
 *
 * @module
 */

/** One key/value pair as read from a .properties file. */
export interface PropertyEntry {
  /** Key with escapes resolved. */
  key: string;
  /** Value with escapes resolved; trailing whitespace is kept. */
  value: string;
  /** 1-based line where the key starts */
  line: number;
}

/**
 * A malformed `\uxxxx` escape. Still a SyntaxError (by name and `instanceof`); `line` lets
 * callers point at the key's line.
 */
export class PropertiesSyntaxError extends SyntaxError {
  /** 1-based line where the key of the malformed entry starts. */
  readonly line: number;

  /** An error for the entry starting on `line`. */
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

/** A logical line: natural lines joined at odd trailing backslashes, escapes still raw. */
interface _LogicalLine {
  text: string;
  line: number;
}

function _isWhitespace(c: string): boolean {
  return c === " " || c === "\t" || c === "\f";
}

function _isLineBreak(c: string): boolean {
  return c === "\n" || c === "\r";
}

/**
 * Splits text into logical lines, mirroring `Properties.LineReader.readLine`: skips blank and
 * comment lines, drops leading whitespace of every natural line, and joins continuation lines.
 */
function _readLogicalLines(text: string): _LogicalLine[] {
  const result: _LogicalLine[] = [];
  let pos = text.startsWith("\uFEFF") ? 1 : 0;
  let lineNo = 1;
  let buf = "";
  let bufLine = 0;
  let skipWhiteSpace = true;
  let appendedLineBegin = false;
  let precedingBackslash = false;

  /** Consumes one char, counting \n, \r and \r\n each as a single line break. */
  const take = (): string => {
    const c = text[pos++];
    if (c === "\r" || (c === "\n" && text[pos - 2] !== "\r")) lineNo++;
    return c;
  };
  const emit = (): void => {
    result.push({ text: precedingBackslash ? buf.slice(0, -1) : buf, line: bufLine });
    buf = "";
    skipWhiteSpace = true;
    appendedLineBegin = false;
    precedingBackslash = false;
  };

  while (pos < text.length) {
    const line = lineNo;
    const c = take();
    if (skipWhiteSpace) {
      if (_isWhitespace(c) || (!appendedLineBegin && _isLineBreak(c))) continue;
      skipWhiteSpace = false;
      appendedLineBegin = false;
    }
    if (buf === "" && (c === "#" || c === "!")) {
      // Comment: consume up to and including the line break; never continued.
      while (pos < text.length && !_isLineBreak(take()));
      skipWhiteSpace = true;
      continue;
    }
    if (!_isLineBreak(c)) {
      if (buf === "") bufLine = line;
      buf += c;
      precedingBackslash = c === "\\" ? !precedingBackslash : false;
    } else if (buf === "") {
      skipWhiteSpace = true;
    } else if (precedingBackslash && pos < text.length) {
      // Continuation: drop the backslash, skip the next line's leading whitespace.
      buf = buf.slice(0, -1);
      skipWhiteSpace = true;
      appendedLineBegin = true;
      precedingBackslash = false;
      if (c === "\r" && text[pos] === "\n") take();
    } else {
      emit();
    }
  }
  if (buf !== "") emit();
  return result;
}

/** Resolves `\t \n \r \f`, `\uXXXX` and `\c` → `c`, as `Properties.loadConvert` does. */
function _unescape(raw: string, line: number): string {
  if (!raw.includes("\\")) return raw;
  let out = "";
  let i = 0;
  while (i < raw.length) {
    const c = raw[i++];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = raw[i++];
    if (e === "u") {
      const hex = raw.slice(i, i + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new PropertiesSyntaxError(`Malformed \\uxxxx encoding on line ${line}`, line);
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += e === "t" ? "\t" : e === "n" ? "\n" : e === "r" ? "\r" : e === "f" ? "\f" : e;
    }
  }
  return out;
}

/** Splits a logical line into key and value, as `Properties.load0` does. */
function _toEntry({ text, line }: _LogicalLine): PropertyEntry {
  let keyLen = 0;
  let valueStart = text.length;
  let hasSep = false;
  let precedingBackslash = false;
  while (keyLen < text.length) {
    const c = text[keyLen];
    if (!precedingBackslash && (c === "=" || c === ":")) {
      valueStart = keyLen + 1;
      hasSep = true;
      break;
    }
    if (!precedingBackslash && _isWhitespace(c)) {
      valueStart = keyLen + 1;
      break;
    }
    precedingBackslash = c === "\\" ? !precedingBackslash : false;
    keyLen++;
  }
  while (valueStart < text.length) {
    const c = text[valueStart];
    if (!_isWhitespace(c)) {
      if (hasSep || (c !== "=" && c !== ":")) break;
      hasSep = true;
    }
    valueStart++;
  }
  return {
    key: _unescape(text.slice(0, keyLen), line),
    value: _unescape(text.slice(valueStart), line),
    line,
  };
}

/**
 * Parses .properties text as java.util.Properties.load does; entries in file order, duplicates
 * kept. A leading UTF-8 BOM is skipped.
 *
 * @throws {PropertiesSyntaxError} on a malformed `\uxxxx` escape, naming the line of the key.
 */
export function parseProperties(text: string): PropertyEntry[] {
  return _readLogicalLines(text).map(_toEntry);
}

/** Last-wins map of the entries (Java's behaviour for duplicate keys). */
export function toPropertyMap(entries: readonly PropertyEntry[]): Map<string, PropertyEntry> {
  const map = new Map<string, PropertyEntry>();
  for (const entry of entries) map.set(entry.key, entry);
  return map;
}
