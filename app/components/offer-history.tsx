import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { formatBps, humanize } from "./format";
import { HistoryTable } from "./history-table";

// An offer's history as its owner sees it: who changed what, when (from the audit log).

export interface OfferHistoryRow {
  id: string;
  at: string | Date;
  action: string;
  who: string;
  data: Record<string, unknown>;
}

const ACTION_WORDS: Record<string, string> = {
  "offer.updated": "Edited",
  "offer.paused": "Paused",
  "offer.resumed": "Resumed",
  "offer.archived": "Archived",
  "offer.unlisted": "Unlisted by Leadex",
  "offer.relisted": "Relisted by Leadex",
};

/** "priceCents" → "price", "qualityRules" → "quality rules". */
const keyWords = (key: string) =>
  key
    .replace(/Cents$|Bps$/, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();

function short(key: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "none";
  if (key.endsWith("Cents") && typeof value === "number") return formatMoney(value, DEFAULT_CURRENCY);
  if (key.endsWith("Bps") && typeof value === "number") return formatBps(value);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** A line per changed setting, or the reason, or the status move. */
function whatChanged(row: OfferHistoryRow): string[] {
  const changes = row.data.changes;
  if (changes && typeof changes === "object") {
    return Object.entries(changes as Record<string, { from?: unknown; to?: unknown }>).map(
      ([key, c]) => `${keyWords(key)}: ${short(key, c.from)} → ${short(key, c.to)}`,
    );
  }
  if (typeof row.data.reason === "string") return [row.data.reason];
  return row.data.from && row.data.to ? [`${String(row.data.from).toLowerCase()} → ${String(row.data.to).toLowerCase()}`] : [];
}

export function OfferHistory({ rows }: { rows: readonly OfferHistoryRow[] }) {
  return (
    <HistoryTable
      rows={rows.map((row) => ({ id: row.id, at: row.at, who: row.who, what: ACTION_WORDS[row.action] ?? humanize(row.action), details: whatChanged(row) }))}
      testId="offer-history"
      empty={<p className="muted">No changes since it was published.</p>}
    />
  );
}
