import { describe, expect, it } from "vitest";
import { noticeLowBalance, noticeLowBalancesAfterLeadSales } from "~/modules/billing/low-balance.server";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { signIn, useTestStack, visibleText } from "./support/app";
import { postAndSettle } from "./support/selling";
import { waitFor } from "./support/wait";

// Low balance: leads sold by the real workers drain a buyer's wallet; once it cannot pay its
// cheapest open order's next lead, its users are told once, until a top-up refills it.

const stack = useTestStack();

const lowBalanceNotices = (companyId: string) =>
  prisma.userNotice.findMany({ where: { kind: "LOW_BALANCE", user: { companyId } }, orderBy: { createdAt: "asc" } });

const noticesToReach = (companyId: string, count: number) =>
  waitFor(`${count} low-balance notice(s)`, async () => {
    const notices = await lowBalanceNotices(companyId);
    return notices.length >= count ? notices : undefined;
  });

describe("low-balance notices", () => {
  it("a buyer whose wallet drains through sales is told once; retries and more leads add none; a top-up and a new drain tell again", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { priceCents: 1_000 });
    const buyer = await makeAdvertiser();
    await makeOrder(buyer.actor, offer.id, { priceCents: 1_000 });
    await fundWallet(buyer.actor, 2_500, stack().emulator);
    const companyId = buyer.actor.companyId;

    // $25 → $15: the next lead is still paid for.
    expect((await postAndSettle(stack(), affiliate.apiKey, offer.id)).status).toBe("SOLD");
    expect(await noticeLowBalance(companyId)).toBe(false);
    expect(await lowBalanceNotices(companyId)).toEqual([]);

    // $15 → $5: the $10 lead cannot be paid any more.
    const drained = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    expect(drained.status).toBe("SOLD");
    const [told] = await noticesToReach(companyId, 1);
    expect(told.data).toEqual({ currency: "usd", walletCents: 500, creditCents: 0, neededCents: 1_000, basis: "price" });

    // The batch's after-commit step run again, a check by hand and a lead nobody can buy add nothing.
    await noticeLowBalancesAfterLeadSales([drained.id]);
    expect(await noticeLowBalance(companyId)).toBe(false);
    expect((await postAndSettle(stack(), affiliate.apiKey, offer.id)).status).toBe("UNSOLD");
    expect(await lowBalanceNotices(companyId)).toHaveLength(1);

    // The notifications page says it in words and links to billing.
    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const html = await (await fetch(new URL("/notifications", stack().appUrl), { headers: { cookie } })).text();
    expect(visibleText(html)).toContain(
      "Your wallet can no longer pay for leads: it holds $5.00, and even your cheapest open order stops receiving leads because its next lead costs $10.00.",
    );
    expect(html).toMatch(/<a [^>]*href="\/advertiser\/billing"[^>]*>Open it<\/a>/);

    // A top-up to $20, then two sales back to $0: told again, once.
    await fundWallet(buyer.actor, 1_500, stack().emulator);
    expect((await postAndSettle(stack(), affiliate.apiKey, offer.id)).status).toBe("SOLD");
    expect((await postAndSettle(stack(), affiliate.apiKey, offer.id)).status).toBe("SOLD");
    const notices = await noticesToReach(companyId, 2);
    expect(notices.map((n) => (n.data as { walletCents: number }).walletCents)).toEqual([500, 0]);
    expect(await noticeLowBalance(companyId)).toBe(false);
    expect(await lowBalanceNotices(companyId)).toHaveLength(2);
  });

  it("a buyer whose wallet still pays its cheapest open order is not told, though a dearer order starves", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { priceCents: 1_000 });
    const buyer = await makeAdvertiser();
    await makeOrder(buyer.actor, offer.id, { priceCents: 1_000 });
    await makeOrder(buyer.actor, offer.id, { priceCents: 5_000 });
    await fundWallet(buyer.actor, 2_000, stack().emulator);
    expect(await noticeLowBalance(buyer.actor.companyId)).toBe(false);
    expect(await lowBalanceNotices(buyer.actor.companyId)).toEqual([]);
  });
});
