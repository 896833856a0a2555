/**
 * Turns a wall-clock time in a time zone (milliseconds as if it were UTC)
 * into the instant it names. `timeZone` is an IANA name (`Europe/Paris`),
 * `UTC`, or an offset (`+02:00`). Throws RangeError for an unknown zone.
 */
export function zoneToInstant(timeZone: string): (wall: number) => number {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  if (format.resolvedOptions().timeZone === "UTC") return (wall: number): number => wall;
  const offsetAt = (instant: number): number => {
    const seconds = Math.floor(instant / 1000) * 1000;
    const part: Record<string, number> = {};
    for (const p of format.formatToParts(seconds)) {
      if (p.type !== "literal") part[p.type] = Number(p.value);
    }
    const date = new Date(0);
    date.setUTCFullYear(part.year, part.month - 1, part.day);
    date.setUTCHours(part.hour, part.minute, part.second);
    return date.getTime() - seconds;
  };
  return (wall: number): number => {
    const guess = wall - offsetAt(wall);
    return wall - offsetAt(guess);
  };
}
