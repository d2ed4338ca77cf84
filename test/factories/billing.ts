import { startTopUp } from "~/modules/billing/top-ups.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import type { Actor } from "~/utils/permissions.server";
import type { StripeEmulator } from "../../scripts/stripe-emulator/stripe-emulator";
import { waitFor } from "../support/wait";

/**
 * Funds an advertiser's wallet the way a person does: a Checkout Session paid on the emulator,
 * whose signed webhook the running app receives and credits. Resolves once the ledger shows it.
 */
export async function fundWallet(advertiser: Actor, amountCents: number, emulator: StripeEmulator) {
  const wallet = ledgerAccounts.advertiserWallet(advertiser.companyId, "usd");
  const before = await balanceCents(prisma, wallet);
  const { topUpId } = await startTopUp(advertiser, amountCents);
  const topUp = await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } });
  await emulator.completeCheckoutSession(topUp.stripeCheckoutSessionId!);
  await waitFor("the top-up webhook to credit the wallet", async () => {
    const now = await balanceCents(prisma, wallet);
    return now >= before + BigInt(amountCents);
  });
  return topUp;
}
