import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifyAffiliateOfLeadEvent } from "~/modules/leads/lead-notifications.server";
import { prisma } from "~/utils/db.server";
import { makeAffiliate } from "./factories/accounts";
import { signIn, useTestStack } from "./support/app";
import { startHttpReceiver, type HttpReceiver } from "./support/http-receiver";
import { makeMarket, postAndSettle, settledDelivery } from "./support/selling";

const stack = useTestStack({ env: { OUTBOX_SWEEP_MS: "300", DELIVERY_MAX_ATTEMPTS: "3" } });
let tracker: HttpReceiver;
beforeAll(async () => {
  tracker = await startHttpReceiver();
});
afterAll(async () => {
  await tracker.close();
});

async function saveSettings(cookie: string, postbackUrl: string, events: string[]) {
  const form = new URLSearchParams({ intent: "save", postbackUrl });
  for (const event of events) form.append("postbackEvents", event);
  return fetch(new URL("/affiliate/postbacks", stack().appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
}

async function setUpTracker(account: { email: string; password: string }, path: string, query: string, events: string[]) {
  const cookie = await signIn(stack().appUrl, account.email, account.password);
  const saved = await saveSettings(cookie, `${tracker.url}${path}?${query}`, events);
  expect(saved.status).toBe(302);
  return cookie;
}

const requestsTo = (path: string) => tracker.requests.filter((r) => r.url.startsWith(`${path}?`));

describe("affiliate postbacks", () => {
  it("fires the sold postback with the affiliate's lead id, sub-ids and payout filled in, signed", async () => {
    const { affiliate, offer } = await makeMarket(stack(), { priceCents: 3200 });
    await setUpTracker(
      affiliate,
      "/pb/sold",
      "id={lead_id}&lx={leadex_id}&s1={s1}&s2={s2}&s5={s5}&status={status}&payout={payout}&event={event}&offer={offer_id}",
      ["accepted", "sold"],
    );
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id, { s1: "click 42&x=1", s2: "fb" });
    expect(lead.status).toBe("SOLD");

    const sold = await settledDelivery(lead.id, "AFFILIATE_POSTBACK", "sold");
    const accepted = await settledDelivery(lead.id, "AFFILIATE_POSTBACK", "accepted");
    expect(sold).toMatchObject({ status: "DELIVERED", method: "GET", attempts: 1 });
    expect(accepted.status).toBe("DELIVERED");

    const soldRequest = requestsTo("/pb/sold").find((r) => r.url.includes("event=sold"))!;
    const query = new URL(soldRequest.url, tracker.url).searchParams;
    // 20% platform fee on $32.00: the affiliate earned $25.60.
    expect(Object.fromEntries(query)).toEqual({
      id: lead.externalId,
      lx: lead.id,
      s1: "click 42&x=1",
      s2: "fb",
      s5: "",
      status: "sold",
      payout: "25.60",
      event: "sold",
      offer: offer.id,
    });
    expect(soldRequest.url).toContain("s1=click%2042%26x%3D1");
    const acceptedQuery = new URL(requestsTo("/pb/sold").find((r) => r.url.includes("event=accepted"))!.url, tracker.url).searchParams;
    expect(acceptedQuery.get("status")).toBe("accepted");
    expect(acceptedQuery.get("payout")).toBe("0.00");

    const { signingSecret } = await prisma.company.findUniqueOrThrow({ where: { id: affiliate.actor.companyId } });
    const parts = Object.fromEntries(
      String(soldRequest.headers["leadex-signature"])
        .split(",")
        .map((p) => p.split("=")),
    );
    expect(parts.v1).toBe(createHmac("sha256", signingSecret!).update(`${parts.t}.${tracker.url}${soldRequest.url}`).digest("hex"));

    const timeline = await prisma.leadEvent.findMany({ where: { leadId: lead.id, type: "postback" } });
    expect(timeline.map((e) => e.message)).toContain("Postback delivered (sold): HTTP 200 on attempt 1");
  });

  it("fires the rejected postback with the reason codes, and nothing for events the affiliate did not choose", async () => {
    const { affiliate, offer } = await makeMarket(stack());
    await setUpTracker(affiliate, "/pb/rejected", "id={lead_id}&status={status}&reason={reason}", ["rejected"]);

    const rejected = await postAndSettle(stack(), affiliate.apiKey, offer.id, { state: "FL", postal_code: "33101" });
    expect(rejected.status).toBe("REJECTED");
    const delivery = await settledDelivery(rejected.id, "AFFILIATE_POSTBACK", "rejected");
    expect(delivery.status).toBe("DELIVERED");
    const [request] = requestsTo("/pb/rejected");
    expect(Object.fromEntries(new URL(request.url, tracker.url).searchParams)).toEqual({
      id: rejected.externalId,
      status: "rejected",
      reason: "out_of_geo",
    });

    const sold = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    expect(sold.status).toBe("SOLD");
    expect(await prisma.outboundDelivery.count({ where: { leadId: sold.id } })).toBe(0);
    expect(requestsTo("/pb/rejected")).toHaveLength(1);
  });

  it("refuses a template with an unknown macro or a non-http URL, naming the problem", async () => {
    const affiliate = await makeAffiliate();
    const cookie = await setUpTracker(affiliate, "/pb/kept", "id={lead_id}", ["sold"]);

    const unknown = await saveSettings(cookie, "https://tracker.example/pb?click={clickid}&id={lead_id}", ["sold"]);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("Unknown macro {clickid}");

    const ftp = await saveSettings(cookie, "ftp://tracker.example/pb?id={lead_id}", ["sold"]);
    expect(ftp.status).toBe(400);
    expect(await ftp.text()).toContain("Only http:// or https:// URLs");

    const badEvent = await saveSettings(cookie, "https://tracker.example/pb?id={lead_id}", ["shipped"]);
    expect(badEvent.status).toBe(400);

    const company = await prisma.company.findUniqueOrThrow({ where: { id: affiliate.actor.companyId } });
    expect(company.postbackUrl).toBe(`${tracker.url}/pb/kept?id={lead_id}`);
    expect(company.postbackEvents).toEqual(["sold"]);

    const off = await saveSettings(cookie, "", []);
    expect(off.status).toBe(302);
    expect((await prisma.company.findUniqueOrThrow({ where: { id: affiliate.actor.companyId } })).postbackUrl).toBeNull();
  });

  it("lets an affiliate replay its postback from the log, and no other affiliate", async () => {
    const { affiliate, offer } = await makeMarket(stack());
    const cookie = await setUpTracker(affiliate, "/pb/replay", "id={lead_id}&event={event}", ["sold"]);
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    const delivery = await settledDelivery(lead.id, "AFFILIATE_POSTBACK", "sold");

    const page = await (await fetch(new URL("/affiliate/postbacks", stack().appUrl), { headers: { cookie } })).text();
    expect(page).toContain(delivery.id);

    const other = await makeAffiliate();
    const otherCookie = await signIn(stack().appUrl, other.email, other.password);
    const replayAs = (c: string) =>
      fetch(new URL("/affiliate/postbacks", stack().appUrl), {
        method: "POST",
        headers: { cookie: c, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ intent: "replay", deliveryId: delivery.id }),
      });
    expect((await replayAs(otherCookie)).status).toBe(404);
    expect(requestsTo("/pb/replay")).toHaveLength(1);

    expect((await replayAs(cookie)).status).toBe(200);
    expect(requestsTo("/pb/replay")).toHaveLength(2);
    const attempts = await prisma.outboundAttempt.findMany({ where: { deliveryId: delivery.id }, orderBy: { attemptedAt: "asc" } });
    expect(attempts.map((a) => [a.statusCode, a.replay])).toEqual([
      [200, false],
      [200, true],
    ]);
  });
  it("fires returned and converted postbacks once each when the modules that own them report the event", async () => {
    const { affiliate, offer } = await makeMarket(stack(), { priceCents: 3200 });
    await setUpTracker(affiliate, "/pb/later", "id={lead_id}&status={status}&payout={payout}&event={event}", ["returned", "converted"]);
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    expect(lead.status).toBe("SOLD");

    // Returns (roadmap 5) and conversions (roadmap 4) call this hook; a retried call sends nothing more.
    for (const event of ["converted", "returned", "converted"] as const) {
      await prisma.$transaction((tx) => notifyAffiliateOfLeadEvent(tx, lead.id, event));
    }
    for (const event of ["converted", "returned"]) {
      expect((await settledDelivery(lead.id, "AFFILIATE_POSTBACK", event)).status).toBe("DELIVERED");
      const sent = requestsTo("/pb/later").filter((r) => r.url.includes(`event=${event}`));
      expect(sent).toHaveLength(1);
      expect(Object.fromEntries(new URL(sent[0].url, tracker.url).searchParams)).toEqual({ id: lead.externalId, status: "sold", payout: "25.60", event });
    }
    expect(await prisma.outboundDelivery.count({ where: { leadId: lead.id, kind: "AFFILIATE_POSTBACK" } })).toBe(2);
  });
});
