/**
 * Reads dates written as a Joda-Time / SimpleDateFormat pattern describes
 * them (Flume's RegexExtractorInterceptorMillisSerializer uses Joda's
 * `DateTimeFormat.forPattern`). Supported letters: `y` year (`yy`: 2000–2099),
 * `M` month (`M`/`MM` number, `MMM`/`MMMM` English name), `d` day of month,
 * `H` hour 0–23, `m` minute, `s` second, `S` fraction of a second; text in
 * single quotes is literal (`''` is a quote) and so is any other character
 * that is not a letter. Numeric fields next to another numeric field take
 * exactly as many digits as letters (`yyyyMMdd`); others take 1–2 digits
 * (years and fractions up to 9). Fields not in the pattern default to
 * 1970-01-01 00:00:00.000.
 *
 * @module
 */

/** The pattern letters a date pattern may use. */
export const DATE_PATTERN_LETTERS = "y M d H m s S";

/** One piece of a compiled pattern. */
type Token =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "field"; readonly letter: string; readonly count: number };

/** The wall-clock fields a text gave. */
interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const SUPPORTED = new Set(DATE_PATTERN_LETTERS.split(" "));

/**
 * A compiled date pattern: `parse` gives the wall-clock time a text
 * describes, in milliseconds as if it were UTC, or undefined when the
 * text does not fit the pattern (or names no real date).
 */
export interface DatePattern {
  parse(text: string): number | undefined;
}

/** Compiles `pattern`; throws SyntaxError naming what is not supported. */
export function compileDatePattern(pattern: string): DatePattern {
  const tokens = tokenize(pattern);
  return { parse: (text: string): number | undefined => parseWith(tokens, text) };
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const literal = (text: string): void => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === "literal") {
      tokens[tokens.length - 1] = { kind: "literal", text: last.text + text };
    } else tokens.push({ kind: "literal", text });
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal("'");
        i += 2;
        continue;
      }
      let text = "";
      let j = i + 1;
      for (;; j++) {
        if (j >= pattern.length) throw new SyntaxError(`Unterminated quote at position ${i + 1}`);
        if (pattern[j] !== "'") text += pattern[j];
        else if (pattern[j + 1] === "'") text += pattern[j++];
        else break;
      }
      literal(text);
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      if (!SUPPORTED.has(c)) {
        throw new SyntaxError(
          `Unsupported pattern letter "${c}": supported are ${DATE_PATTERN_LETTERS}; quote literal text`,
        );
      }
      tokens.push({ kind: "field", letter: c, count: j - i });
      i = j;
    } else {
      literal(c);
      i++;
    }
  }
  if (!tokens.some((t) => t.kind === "field")) {
    throw new SyntaxError("No date or time field in the pattern");
  }
  return tokens;
}

function isNumeric(token: Token | undefined): boolean {
  return token?.kind === "field" && !(token.letter === "M" && token.count >= 3);
}

function parseWith(tokens: readonly Token[], text: string): number | undefined {
  const f: Fields = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, millis: 0 };
  let at = 0;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    if (token.kind === "literal") {
      const piece = text.slice(at, at + token.text.length);
      if (piece.toLowerCase() !== token.text.toLowerCase()) return undefined;
      at += token.text.length;
      continue;
    }
    if (token.letter === "M" && token.count >= 3) {
      const rest = text.slice(at).toLowerCase();
      const full = MONTHS.findIndex((m) => rest.startsWith(m));
      const short = full >= 0 ? full : MONTHS.findIndex((m) => rest.startsWith(m.slice(0, 3)));
      if (short < 0) return undefined;
      f.month = short + 1;
      at += full >= 0 ? MONTHS[full].length : 3;
      continue;
    }
    const fixed = isNumeric(tokens[t + 1]);
    const most = fixed ? token.count : token.letter === "y" || token.letter === "S" ? 9 : 2;
    const least = fixed ? token.count : 1;
    let end = at;
    while (end < text.length && end - at < most && text[end] >= "0" && text[end] <= "9") end++;
    if (end - at < least) return undefined;
    const digits = text.slice(at, end);
    at = end;
    assign(f, token, digits);
  }
  if (at !== text.length) return undefined;
  return wallMillis(f);
}

function assign(f: Fields, token: { letter: string; count: number }, digits: string): void {
  const value = Number(digits);
  switch (token.letter) {
    case "y":
      f.year = token.count === 2 && digits.length === 2 ? 2000 + value : value;
      break;
    case "M":
      f.month = value;
      break;
    case "d":
      f.day = value;
      break;
    case "H":
      f.hour = value;
      break;
    case "m":
      f.minute = value;
      break;
    case "s":
      f.second = value;
      break;
    case "S":
      f.millis = Math.floor(Number(`0.${digits}`) * 1000 + 1e-6);
      break;
  }
}

function wallMillis(f: Fields): number | undefined {
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.hour > 23 || f.minute > 59 || f.second > 59) {
    return undefined;
  }
  const date = new Date(0);
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  if (date.getUTCMonth() !== f.month - 1) return undefined; // February 30th
  date.setUTCHours(f.hour, f.minute, f.second, f.millis);
  return date.getTime();
}
