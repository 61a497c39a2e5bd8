/**
 * ISO-8601 durations as the process view uses them (`PT10M`, `P3D`, `P1DT12H`, `PT0.5S`):
 * days, hours, minutes and (fractional) seconds; no years, months or weeks, whose length varies.
 */
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds in `text`, or null when it is not such a duration (`P`, `PT` and `P1Y` are not). */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return null;
  const [, days, hours, minutes, seconds] = match;
  return ((Number(days ?? 0) * 24 + Number(hours ?? 0)) * 60 + Number(minutes ?? 0)) * 60_000 + Math.round(Number(seconds ?? 0) * 1000);
}
