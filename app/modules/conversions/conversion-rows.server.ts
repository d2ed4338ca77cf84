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
