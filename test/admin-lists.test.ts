import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAffiliate, uniqueSuffix } from "./factories/accounts";
import { makeOffer } from "./factories/marketplace";
import { signIn, useTestStack } from "./support/app";

// Lists that grow without end (issue 14): the admin's payouts, an affiliate's payouts and the review
// queue page 50 rows at a time by cursor, and their filters stay in the URL the pager links to.

const stack = useTestStack();
const DAY = 86_400_000;

const html = async (path: string, cookie: string) => (await fetch(new URL(path, stack().appUrl), { headers: { cookie } })).text();

/** The pager's "next page" link on a page, as a path, or undefined on the last page. */
const nextLink = (text: string, path: string) => new RegExp(`href="(${path}\\?[^"]*cursor=[^"]+)"`).exec(text)?.[1].replace(/&amp;/g, "&");

async function adminCookie() {
  const admin = await makeAdmin();
  return signIn(stack().appUrl, admin.email, admin.password);
}

/** `count` payouts to the affiliate, one a second, each named `<marker>-<i>` in its details; the first PAID, the rest FAILED. */
async function payoutsTo(affiliateId: string, marker: string, count: number) {
  const base = Date.now() - DAY;
  await prisma.payout.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      affiliateId,
      amountCents: 1_000 + i,
      currency: "usd",
      status: i === 0 ? ("PAID" as const) : ("FAILED" as const),
      failureReason: `${marker}-${i}`,
      createdAt: new Date(base + i * 1000),
    })),
  });
}

describe("the admin's payouts list", () => {
  it("pages every payout newest first, searches by affiliate name and filters by status, keeping both in the pager's links", { timeout: 60_000 }, async () => {
    const suffix = uniqueSuffix();
    const affiliate = await makeAffiliate({ companyName: `Paged Payouts ${suffix}` });
    const other = await makeAffiliate();
    const marker = `pp${suffix}`;
    await payoutsTo(affiliate.actor.companyId, marker, 51);
    await payoutsTo(other.actor.companyId, `other${suffix}`, 1);
    const cookie = await adminCookie();
    const rowsOf = (text: string) => text.match(new RegExp(`${marker}-\\d+</td>`, "g")) ?? [];

    const first = await html(`/admin/payouts?q=${encodeURIComponent(`paged payouts ${suffix}`)}`, cookie);
    expect(rowsOf(first)).toHaveLength(50);
    expect(first).toContain(`${marker}-50</td>`);
    expect(first).not.toContain(`other${suffix}-0`);
    const next = nextLink(first, "/admin/payouts");
    expect(next).toContain(`q=paged+payouts+${suffix}`);
    const second = await html(next!, cookie);
    expect(rowsOf(second)).toEqual([`${marker}-0</td>`]);
    expect(new Set([...rowsOf(first), ...rowsOf(second)]).size).toBe(51);
    expect(nextLink(second, "/admin/payouts")).toBeUndefined();

    expect(rowsOf(await html(`/admin/payouts?q=${suffix}&status=PAID`, cookie))).toEqual([`${marker}-0</td>`]);
    const failed = await html(`/admin/payouts?q=${suffix}&status=FAILED`, cookie);
    expect(rowsOf(failed)).toHaveLength(50);
    expect(rowsOf(failed)).not.toContain(`${marker}-0</td>`);
    // Exactly a page: no link to an empty next one.
    expect(nextLink(failed, "/admin/payouts")).toBeUndefined();
  });
});

describe("an affiliate's payout history", () => {
  it("pages its own payouts newest first and never shows another affiliate's", { timeout: 60_000 }, async () => {
    const affiliate = await makeAffiliate();
    const other = await makeAffiliate();
    const marker = `own${uniqueSuffix()}`;
    await payoutsTo(affiliate.actor.companyId, marker, 51);
    await payoutsTo(other.actor.companyId, `${marker}x`, 1);
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const rowsOf = (text: string) => text.match(new RegExp(`${marker}x?-\\d+</td>`, "g")) ?? [];

    const first = await html("/affiliate/payouts", cookie);
    expect(rowsOf(first)).toHaveLength(50);
    expect(first).toContain(`${marker}-50</td>`);
    const second = await html(nextLink(first, "/affiliate/payouts")!, cookie);
    expect(rowsOf(second)).toEqual([`${marker}-0</td>`]);
    expect(new Set([...rowsOf(first), ...rowsOf(second)]).size).toBe(51);
  });
});

describe("the review queue", () => {
  it("pages held leads oldest first and narrows to one offer, keeping it in the pager's links", { timeout: 60_000 }, async () => {
    const affiliate = await makeAffiliate();
    const busy = await makeOffer(affiliate.actor, { title: `Busy offer ${uniqueSuffix()}` });
    const quiet = await makeOffer(affiliate.actor, { title: `Quiet offer ${uniqueSuffix()}` });
    const marker = `held${uniqueSuffix()}`;
    const base = Date.now() - DAY;
    const held = (offerId: string, externalId: string, at: number) => ({
      offerId,
      affiliateId: affiliate.actor.companyId,
      externalId,
      status: "HELD" as const,
      rawFields: {},
      subIds: {},
      receivedAt: new Date(at),
    });
    await prisma.lead.createMany({
      data: [...Array.from({ length: 51 }, (_, i) => held(busy.id, `${marker}-${i}`, base + i * 1000)), held(quiet.id, `${marker}-quiet`, base)],
    });
    const cookie = await adminCookie();
    const rowsOf = (text: string) => text.match(new RegExp(`${marker}-(\\d+|quiet)</code>`, "g")) ?? [];

    const first = await html(`/admin/review?offerId=${busy.id}`, cookie);
    expect(rowsOf(first)).toHaveLength(50);
    expect(first).toContain(`${marker}-0</code>`);
    expect(first).not.toContain(`${marker}-quiet</code>`);
    const next = nextLink(first, "/admin/review");
    expect(next).toContain(`offerId=${busy.id}`);
    const second = await html(next!, cookie);
    expect(rowsOf(second)).toEqual([`${marker}-50</code>`]);
    expect(new Set([...rowsOf(first), ...rowsOf(second)]).size).toBe(51);

    expect(rowsOf(await html(`/admin/review?offerId=${quiet.id}`, cookie))).toEqual([`${marker}-quiet</code>`]);
  });
});
