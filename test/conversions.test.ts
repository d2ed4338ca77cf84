import { describe, expect, it } from "vitest";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { useTestStack } from "./support/app";
import { deliveredLead, makeConversionMarket, postConversion, settledConversion } from "./support/conversions";
import { expectLedgerInvariants } from "./support/ledger-invariants";

const stack = useTestStack({ workers: true });
const wallet = (id: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(id, "usd"));
const held = (id: string) => balanceCents(prisma, ledgerAccounts.affiliateHeld(id, "usd"));

describe("CPA and CPS conversions", () => {
  it("a CPA lead is delivered free and billed once on its conversion", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const sale = await prisma.leadSale.findFirstOrThrow({ where: { leadId: lead.id } });
    expect(sale).toMatchObject({ pricingModel: "CPA", priceCents: 0, journalEntryId: null });
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n);

    const answer = await postConversion(stack().appUrl, market.buyer.apiKey, { lead_id: lead.id, conversion_id: "app-1", event: "funded" });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ conversion_id: "app-1", status: "received", payout: "120.00", event: "funded" });
    const billed = await settledConversion(answer.body.leadex_conversion_id);
    expect(billed.status).toBe("PENDING");
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n - 12_000n);
    expect(await held(market.affiliate.actor.companyId)).toBe(9_600n);

    const again = await postConversion(stack().appUrl, market.buyer.apiKey, { lead_id: lead.id, conversion_id: "app-1", event: "funded" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "pending", duplicate_request: true });
    const conflict = await postConversion(stack().appUrl, market.buyer.apiKey, { lead_id: lead.id, conversion_id: "app-1", event: "application" });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: "conversion_conflict", fields: { event: expect.any(String) } });
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `conversion:${billed.id}` } })).toBe(1);
    await expectLedgerInvariants();
  });
});
