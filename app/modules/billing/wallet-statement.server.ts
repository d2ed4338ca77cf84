import { Prisma } from "~/generated/prisma/client";
import { toCsv } from "~/modules/deliveries/csv";
import { ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { centsToDecimal, DEFAULT_CURRENCY } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import type { StatementFilter, StatementKind } from "./wallet-statement.schema";

// The advertiser's statement: every posting on its wallet account (the ledger is the source of
// truth), newest first, in the advertiser's words, with the balance after each line. Postings
// page on (createdAt, id) from the index on Posting(accountId, createdAt, id). The running
// balance is the wallet's balance less what came after the line, summed in one statement over the
// postings from the newest down to the page's last line, whatever the filters hide.

export const STATEMENT_PAGE = 50;
const EXPORT_BATCH = 500;
const EXPORT_MAX_ROWS = 100_000;

/** The journal kinds of each statement kind; "other" is every kind not listed (refunds, chargebacks ...). */
const JOURNAL_KINDS: Record<Exclude<StatementKind, "other">, readonly string[]> = {
  leads: ["LEAD_SALE"],
  conversions: [
    "CONVERSION_ACTION",
    "CONVERSION_SALE",
    "CONVERSION_REINSTATED",
    "CONVERSION_AMOUNT_CHANGED",
    "CONVERSION_TRUE_UP",
    "CONVERSION_LOCKED_ADJUSTMENT",
  ],
  returns: ["LEAD_SALE_REVERSED", "LEAD_RETURN_PLATFORM_COST", "CONVERSION_REVERSED"],
  "top-ups": ["TOP_UP", "AUTO_RECHARGE"],
};
const LISTED_KINDS = Object.values(JOURNAL_KINDS).flat();
/** The kinds a postpaid invoice bills: sales and their returns, reversals and corrections (billing/postpaid-invoices.server.ts). */
export const SALES_JOURNAL_KINDS: readonly string[] = [...JOURNAL_KINDS.leads, ...JOURNAL_KINDS.conversions, ...JOURNAL_KINDS.returns];

const LINE_WORDS: Record<string, string> = {
  LEAD_SALE: "Lead bought",
  LEAD_SALE_REVERSED: "Lead returned: its price credited back",
  LEAD_RETURN_PLATFORM_COST: "Lead returned: its price credited back",
  CONVERSION_ACTION: "Action billed",
  CONVERSION_SALE: "Sale billed",
  CONVERSION_REINSTATED: "Conversion approved on review: billed",
  CONVERSION_AMOUNT_CHANGED: "Conversion amount corrected",
  CONVERSION_TRUE_UP: "Conversion corrected by a true-up",
  CONVERSION_LOCKED_ADJUSTMENT: "Locked conversion adjusted",
  CONVERSION_REVERSED: "Conversion reversed: credited back",
  TOP_UP: "Top-up by card",
  AUTO_RECHARGE: "Auto-recharge",
  INVOICE_PAYMENT: "Invoice paid (postpaid): credited",
  WALLET_REFUND_RESERVED: "Refund of unused balance to your card",
  WALLET_REFUND_RELEASED: "Refund refused by the card network: credited back",
  WALLET_REFUND: "Refund to your card",
  CHARGEBACK: "Card dispute: the disputed amount and the bank's fee",
  CHARGEBACK_REINSTATED: "Card dispute won: the disputed amount credited back",
};

function statementKindOf(journalKind: string): StatementKind {
  for (const [kind, journalKinds] of Object.entries(JOURNAL_KINDS)) if (journalKinds.includes(journalKind)) return kind as StatementKind;
  return "other";
}

/** A kind nobody gave words to yet, readable: "STRIPE_REFUND" → "Stripe refund". */
const wordsOf = (journalKind: string) => LINE_WORDS[journalKind] ?? journalKind.charAt(0) + journalKind.slice(1).toLowerCase().replace(/_/g, " ");

export interface StatementLine {
  id: string;
  at: Date;
  kind: StatementKind;
  words: string;
  /** The lead, conversion or dispute behind the line, in the advertiser's portal. */
  link: { href: string; label: string; ref: string } | null;
  /** From the advertiser's side: + money in (top-ups, credits), − money out (charges). */
  amountCents: number;
  /** The wallet's balance right after this line. */
  balanceCents: number;
  currency: string;
}

interface Key {
  createdAt: Date;
  id: string;
}

// A page cursor is the last line's (createdAt, posting id): lines posted in the same millisecond still page exactly.
function encodeCursor(key: Key): string {
  return Buffer.from(`${key.createdAt.toISOString()}|${key.id}`, "utf8").toString("base64url");
}
function decodeCursor(cursor: string): Key | null {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || !/^[A-Za-z0-9_-]{1,64}$/.test(id) || Number.isNaN(createdAt.getTime())) return null;
  const year = createdAt.getUTCFullYear();
  return year >= 1970 && year <= 9999 ? { createdAt, id } : null;
}

interface StatementQuery {
  kind?: StatementKind;
  from?: Date;
  to?: Date;
  /** Lines older than this one. */
  before?: Key | null;
  limit: number;
  /**
   * A line whose balance is known (the previous export batch's last), so the balances of the lines
   * below it are summed from it rather than from the top. Null: from the wallet's balance now.
   */
  anchor?: { key: Key; sumAfterCents: bigint } | null;
}

const queryOf = (filter: StatementFilter): Omit<StatementQuery, "limit"> => ({
  kind: filter.kind,
  from: filter.from ? new Date(`${filter.from}T00:00:00.000Z`) : undefined,
  to: filter.to ? new Date(`${filter.to}T23:59:59.999Z`) : undefined,
  before: filter.cursor ? decodeCursor(filter.cursor) : null,
});

/** One page of the actor's statement with the filters applied, and the cursor of the next. */
export async function listWalletStatement(actor: Actor, filter: StatementFilter): Promise<{ lines: StatementLine[]; next: string | null }> {
  requirePermission(actor, "read:billing:own");
  const { lines, more } = await findLines(actor, { ...queryOf(filter), limit: STATEMENT_PAGE });
  const last = lines[lines.length - 1];
  return { lines: lines.map(({ sumAfterCents: _, ...line }) => line), next: more && last ? encodeCursor({ createdAt: last.at, id: last.id }) : null };
}

export const STATEMENT_CSV_COLUMNS = ["date", "kind", "description", "reference", "amount", "balance", "currency"] as const;

/** The statement as CSV with the page's filters (every page of it), amounts in dollars: −32.00 is a charge. */
export async function walletStatementCsv(actor: Actor, filter: StatementFilter): Promise<string> {
  requirePermission(actor, "read:billing:own");
  const rows: unknown[][] = [];
  let query: StatementQuery = { ...queryOf({ ...filter, cursor: undefined }), limit: EXPORT_BATCH };
  for (;;) {
    const { lines, more } = await findLines(actor, query);
    for (const line of lines) {
      rows.push([
        line.at.toISOString(),
        line.kind,
        line.words,
        line.link?.ref ?? "",
        centsToDecimal(line.amountCents),
        centsToDecimal(line.balanceCents),
        line.currency,
      ]);
    }
    const last = lines[lines.length - 1];
    if (!more || !last || rows.length >= EXPORT_MAX_ROWS) break;
    const key = { createdAt: last.at, id: last.id };
    query = { ...query, before: key, anchor: { key, sumAfterCents: last.sumAfterCents } };
  }
  return toCsv(STATEMENT_CSV_COLUMNS, rows);
}

type FoundLine = StatementLine & { sumAfterCents: bigint };

async function findLines(actor: Actor, query: StatementQuery): Promise<{ lines: FoundLine[]; more: boolean }> {
  const currency = DEFAULT_CURRENCY;
  const account = await prisma.ledgerAccount.findUnique({
    where: { code: ledgerAccounts.advertiserWallet(actor.companyId, currency).code },
    select: { id: true },
  });
  if (!account) return { lines: [], more: false };
  const createdAt: Prisma.DateTimeFilter = {};
  if (query.from) createdAt.gte = query.from;
  if (query.to) createdAt.lte = query.to;
  const { kind, before } = query;
  const postings = await prisma.posting.findMany({
    where: {
      accountId: account.id,
      ...(query.from || query.to ? { createdAt } : {}),
      ...(kind ? { entry: { kind: kind === "other" ? { notIn: LISTED_KINDS } : { in: [...JOURNAL_KINDS[kind]] } } } : {}),
      ...(before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: { id: true, createdAt: true, amountCents: true, entry: { select: { id: true, kind: true, reversesId: true } } },
  });
  const page = postings.slice(0, query.limit);
  if (page.length === 0) return { lines: [], more: false };
  const [sums, links, recharges] = await Promise.all([
    sumsAfter(account.id, page, query.anchor ?? null),
    linksOf(
      actor,
      page.map((p) => p.entry),
    ),
    rechargeWordsOf(
      actor,
      page.filter((p) => p.entry.kind === "AUTO_RECHARGE").map((p) => p.entry.id),
    ),
  ]);
  return {
    lines: page.map((p) => {
      const sumAfterCents = sums.get(p.id)!;
      return {
        id: p.id,
        at: p.createdAt,
        kind: statementKindOf(p.entry.kind),
        words: recharges.get(p.entry.id) ?? wordsOf(p.entry.kind),
        link: links.get(p.entry.id) ?? null,
        // The wallet is a liability: a credit (negative posting) is money in for the advertiser.
        amountCents: -Number(p.amountCents),
        balanceCents: -Number(sumAfterCents),
        currency,
        sumAfterCents,
      };
    }),
    more: postings.length > query.limit,
  };
}

/** A time as the timestamp column holds it (UTC), whatever the session's time zone. */
const utc = (at: Date) => Prisma.sql`(${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * The sum of the wallet's postings up to and including each line (debits positive), by posting id:
 * the sum at the anchor (or of every posting) less the postings after the line, in one statement
 * so a posting landing meanwhile is in both or neither.
 */
async function sumsAfter(accountId: string, page: Array<{ id: string; createdAt: Date }>, anchor: { key: Key; sumAfterCents: bigint } | null) {
  const last = page[page.length - 1];
  const upTo = anchor ? Prisma.sql`AND (p."createdAt", p.id) <= (${utc(anchor.key.createdAt)}, ${anchor.key.id})` : Prisma.empty;
  const top = anchor
    ? Prisma.sql`${anchor.sumAfterCents}::bigint`
    : Prisma.sql`(SELECT COALESCE(SUM("amountCents"), 0) FROM "Posting" WHERE "accountId" = ${accountId})::bigint`;
  const rows = await prisma.$queryRaw<Array<{ id: string; sum: bigint }>>`
    WITH span AS (
      SELECT p.id, COALESCE(SUM(p."amountCents") OVER (ORDER BY p."createdAt" DESC, p.id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS later
      FROM "Posting" p
      WHERE p."accountId" = ${accountId} AND (p."createdAt", p.id) >= (${utc(last.createdAt)}, ${last.id}) ${upTo}
    )
    SELECT span.id, (${top} - span.later)::bigint AS sum FROM span WHERE span.id = ANY(${page.map((p) => p.id)})`;
  return new Map(rows.map((r) => [r.id, BigInt(r.sum)]));
}

/** "Auto-recharge •••• 4242": the card each auto-recharge charged, by entry id. */
async function rechargeWordsOf(actor: Actor, entryIds: string[]): Promise<Map<string, string>> {
  if (entryIds.length === 0) return new Map();
  const topUps = await prisma.topUp.findMany({
    where: { journalEntryId: { in: entryIds }, advertiserId: actor.companyId, kind: "AUTO_RECHARGE" },
    select: { journalEntryId: true, cardLast4: true },
  });
  return new Map(topUps.map((t) => [t.journalEntryId!, t.cardLast4 ? `Auto-recharge •••• ${t.cardLast4}` : "Auto-recharge"]));
}

/**
 * What each entry is about, as a link in the advertiser's portal: the dispute that moved the money
 * (a return, a conversion dispute or inquiry), else the conversion, else the lead bought (or the
 * sale a reversal undid). Each lookup is scoped to the actor's company.
 */
async function linksOf(actor: Actor, entries: Array<{ id: string; reversesId: string | null }>) {
  const ids = entries.map((e) => e.id);
  const reversed = entries.flatMap((e) => (e.reversesId ? [e.reversesId] : []));
  const advertiserId = actor.companyId;
  const [disputes, conversions, adjustments, sales] = await Promise.all([
    prisma.dispute.findMany({ where: { journalEntryId: { in: ids }, advertiserId }, select: { id: true, kind: true, journalEntryId: true } }),
    prisma.conversion.findMany({ where: { journalEntryId: { in: ids }, advertiserId }, select: { id: true, externalId: true, journalEntryId: true } }),
    prisma.conversionAdjustment.findMany({
      where: { journalEntryId: { in: ids }, conversion: { advertiserId } },
      select: { journalEntryId: true, conversion: { select: { id: true, externalId: true } } },
    }),
    prisma.leadSale.findMany({ where: { journalEntryId: { in: [...ids, ...reversed] }, advertiserId }, select: { leadId: true, journalEntryId: true } }),
  ]);
  const links = new Map<string, NonNullable<StatementLine["link"]>>();
  const leadByEntry = new Map(sales.map((s) => [s.journalEntryId!, s.leadId]));
  for (const e of entries) {
    const leadId = leadByEntry.get(e.id) ?? (e.reversesId ? leadByEntry.get(e.reversesId) : undefined);
    if (leadId) links.set(e.id, { href: `/advertiser/leads/${leadId}`, label: `Lead ${leadId}`, ref: leadId });
  }
  for (const a of adjustments) {
    links.set(a.journalEntryId!, {
      href: `/advertiser/conversions/${a.conversion.id}`,
      label: `Conversion ${a.conversion.externalId}`,
      ref: a.conversion.externalId,
    });
  }
  for (const c of conversions)
    links.set(c.journalEntryId!, { href: `/advertiser/conversions/${c.id}`, label: `Conversion ${c.externalId}`, ref: c.externalId });
  for (const d of disputes) {
    const label = d.kind === "LEAD_RETURN" ? "Return" : d.kind === "CONVERSION_INQUIRY" ? "Inquiry" : "Dispute";
    links.set(d.journalEntryId!, { href: `/advertiser/disputes/${d.id}`, label: `${label} ${d.id}`, ref: d.id });
  }
  return links;
}
