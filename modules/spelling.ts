/**
 * "Did you mean": the known words nearest to one that is not known, for messages about a misspelt
 * setting, choice or instance type.
 */

/**
 * The fewest single-character edits (insert, delete, replace, or swap two neighbours: the optimal
 * string alignment distance) that turn one string into the other: "regoin" is one edit from "region".
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: the distance between a's first i characters and b's first j.
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j], rows[i - 2][j - 2] + 1);
      }
    }
    rows.push(row);
  }
  return rows[a.length][b.length];
}

/**
 * The known words nearest to `word` (ignoring case), at most `limit` of them (sorted), all at the
 * same smallest distance; none when even the nearest needs more edits than a third of the word's
 * length (at least one, at most three), since a guess that far off misleads more than it helps.
 */
export function nearestWords(word: string, known: Iterable<string>, limit = 3): string[] {
  const maxDistance = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best = maxDistance + 1;
  let nearest: string[] = [];
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < best) [best, nearest] = [distance, [candidate]];
    else if (distance === best) nearest.push(candidate);
  }
  return nearest.sort().slice(0, limit);
}

/** ` (did you mean a, b or c?)` for the nearest words, to follow a message; "" when there are none. */
export function didYouMean(words: readonly string[], quote: (word: string) => string = (w) => w): string {
  if (words.length === 0) return "";
  const quoted = words.map(quote);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
  return ` (did you mean ${list}?)`;
}
