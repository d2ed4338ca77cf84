import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { DEFAULT_CURRENCY } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";

/** The advertiser's spendable wallet, computed from the ledger. */
export async function getAdvertiserBalanceCents(actor: Actor): Promise<bigint> {
  requirePermission(actor, "read:billing:own");
  return balanceCents(prisma, ledgerAccounts.advertiserWallet(actor.companyId, DEFAULT_CURRENCY));
}
