/** Levenshtein distance between two strings, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = row;
  }
  return prev[y.length];
}

/**
 * The candidate closest to `word`, when it is close enough to be a likely
 * typo (at most a third of the word's length away); otherwise undefined.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** `did you mean "x"?` for the closest candidate, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const match = closest(word, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}

/**
 * `did you mean "x"?` for a property name: the closest candidate, or else
 * the one candidate that is `word` under a prefix (`batchSize` for
 * file_roll's `sink.batchSize`); otherwise undefined.
 */
export function didYouMeanProperty(
  word: string,
  candidates: readonly string[],
): string | undefined {
  const close = didYouMean(word, candidates);
  if (close !== undefined) return close;
  const suffix = `.${word.toLowerCase()}`;
  const prefixed = candidates.filter((c) => c.toLowerCase().endsWith(suffix));
  return prefixed.length === 1 ? `did you mean "${prefixed[0]}"?` : undefined;
}
