/** A duration as people say it: 5 → "5 seconds", 900 → "15 minutes", 7200 → "2 hours". */
export function formatDuration(seconds: number): string {
  const [amount, unit] = seconds < 60 ? [seconds, "second"] : seconds < 7200 ? [Math.round(seconds / 60), "minute"] : [Math.round(seconds / 3600), "hour"];
  return `${amount} ${unit}${amount === 1 ? "" : "s"}`;
}

/** A moment as "2026-11-28 at 14:05 UTC" (server and browser alike: no local time zone). */
export function formatUtcMinute(value: Date | string): string {
  const iso = new Date(value).toISOString();
  return `${iso.slice(0, 10)} at ${iso.slice(11, 16)} UTC`;
}

/** A time of day as "14:05 UTC". */
export function formatUtcTime(value: Date | string): string {
  return `${new Date(value).toISOString().slice(11, 16)} UTC`;
}
