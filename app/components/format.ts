// Display formatting that renders the same on the server and in the browser (no local time zone).

function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

/** "2025-03-14 09:26 UTC" (or "09:26:53" with seconds) */
export function formatDateTime(value: Date | string | number | null | undefined, opts: { seconds?: boolean } = {}): string {
  if (value === null || value === undefined) return "—";
  const iso = toDate(value).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, opts.seconds ? 19 : 16)} UTC`;
}

/** "2025-03-14" */
export function formatDate(value: Date | string | number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return toDate(value).toISOString().slice(0, 10);
}

/** "home-services" → "Home services" */
export function humanize(value: string): string {
  const text = value.replace(/[-_]+/g, " ").toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** 1500 bps → "15%" */
export function formatBps(bps: number): string {
  return `${(bps / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })}%`;
}

/** Cents as the plain dollars a person types into a price input: 2550 → "25.50". */
export { centsToDecimal as centsToInput } from "~/utils/money";

/** The time between two moments in words: "42 s", "3 min 5 s", "2 h 10 min", "3 d 4 h" (never negative). */
export function formatElapsed(from: Date | string | number, to: Date | string | number): string {
  const seconds = Math.max(0, Math.round((toDate(to).getTime() - toDate(from).getTime()) / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
