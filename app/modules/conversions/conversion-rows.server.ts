import type { Conversion } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import type { ConversionTerms } from "./conversion-terms";

/** Locks the conversion's row for this transaction and reads it. */
export async function lockConversion(tx: Tx, conversionId: string): Promise<Conversion | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Conversion" WHERE id = ${conversionId} FOR UPDATE`;
  if (rows.length === 0) return null;
  return tx.conversion.findUniqueOrThrow({ where: { id: conversionId } });
}

export function termsOf(conversion: Conversion): ConversionTerms {
  return conversion.terms as unknown as ConversionTerms;
}

export function describeConversion(c: Pick<Conversion, "kind" | "event" | "saleAmountCents" | "currency" | "externalId">): string {
  return c.kind === "ACTION" ? `action ${c.event} (${c.externalId})` : `sale of ${formatMoney(c.saleAmountCents ?? 0, c.currency)} (${c.externalId})`;
}

// A page cursor of a conversion list is the last row's (occurredAt, id): conversions of the same
// millisecond still page exactly.
export function encodeConversionCursor(c: { occurredAt: Date; id: string }): string {
  return Buffer.from(`${c.occurredAt.toISOString()}|${c.id}`, "utf8").toString("base64url");
}

export function decodeConversionCursor(cursor: string): { occurredAt: Date; id: string } | null {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const occurredAt = new Date(iso ?? "");
  if (!id || !/^[A-Za-z0-9_-]{1,64}$/.test(id) || Number.isNaN(occurredAt.getTime())) return null;
  return { occurredAt, id };
}
