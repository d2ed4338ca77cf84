import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueCrmWebhookForSale } from "~/modules/deliveries/crm-webhooks.server";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser } from "./factories/accounts";
import { signIn, useTestStack } from "./support/app";
import { startHttpReceiver, type HttpReceiver } from "./support/http-receiver";
import { makeMarket, postAndSettle, settledDelivery } from "./support/selling";
import { waitFor } from "./support/wait";

const stack = useTestStack({ env: { OUTBOX_SWEEP_MS: "300", DELIVERY_MAX_ATTEMPTS: "3" } });
let crm: HttpReceiver;
beforeAll(async () => {
  crm = await startHttpReceiver();
});
afterAll(async () => {
  await crm.close();
});

let pathCounter = 0;
function crmPath() {
  pathCounter++;
  return `/crm/${pathCounter}`;
}
const requestsTo = (path: string) => crm.requests.filter((r) => r.url === path);

function expectSignedBy(secret: string, header: string | string[] | undefined, payload: string) {
  expect(typeof header).toBe("string");
  const parts = Object.fromEntries((header as string).split(",").map((p) => p.split("=")));
  expect(Math.abs(Date.now() / 1000 - Number(parts.t))).toBeLessThan(300);
  expect(parts.v1).toBe(createHmac("sha256", secret).update(`${parts.t}.${payload}`).digest("hex"));
}

async function post(url: string, cookie: string, form: Record<string, string>) {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

describe("CRM webhooks", () => {
  it("sends a lead sold on a webhook order to the buyer's CRM, signed, with the contact and no affiliate identity", async () => {
    const path = crmPath();
    const { affiliate, offer, buyer, order } = await makeMarket(stack(), { webhookUrl: `${crm.url}${path}` });
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id, { s1: "click-1" });
    expect(lead.status).toBe("SOLD");

    const delivery = await settledDelivery(lead.id, "CRM_WEBHOOK");
    expect(delivery).toMatchObject({ status: "DELIVERED", attempts: 1, lastStatusCode: 200, orderId: order.id, companyId: buyer.actor.companyId });
    const [request] = requestsTo(path);
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    const { signingSecret } = await prisma.company.findUniqueOrThrow({ where: { id: buyer.actor.companyId } });
    expectSignedBy(signingSecret!, request.headers["leadex-signature"], request.body);

    const body = JSON.parse(request.body);
    expect(body.event).toBe("lead.sold");
    expect(body.lead).toMatchObject({
      lead_id: lead.id,
      order_id: order.id,
      offer_id: offer.id,
      offer: "Home insurance quotes",
      price_cents: 3200,
      currency: "usd",
      contact: { email: lead.email, phone: lead.phone, state: "CA", postal_code: "94107" },
      fields: { first_name: "Ada", last_name: "Lovelace" },
    });
    expect(typeof body.lead.score).toBe("number");
    expect(["cold", "warm", "hot"]).toContain(body.lead.temperature);
    expect(request.body).not.toContain(lead.externalId);
    expect(request.body).not.toContain(affiliate.actor.companyId);
    expect(request.body).not.toContain("click-1");

    const timeline = await prisma.leadEvent.findMany({ where: { leadId: lead.id, type: "delivery" }, orderBy: { seq: "asc" } });
    expect(timeline.map((e) => e.message)).toEqual([
      `CRM webhook queued (sold): POST ${crm.url}${path}`,
      "CRM webhook delivered (sold): HTTP 200 on attempt 1",
    ]);
  });

  it("sends nothing for an order that delivers in the portal", async () => {
    const { affiliate, offer } = await makeMarket(stack());
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    expect(lead.status).toBe("SOLD");
    expect(await prisma.outboundDelivery.count({ where: { leadId: lead.id } })).toBe(0);
  });

  it("retries a CRM that fails twice and delivers on the third attempt, with every attempt logged", async () => {
    const path = crmPath();
    const { affiliate, offer } = await makeMarket(stack(), { webhookUrl: `${crm.url}${path}` });
    crm.failNext(2, 503);
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id);

    const delivery = await settledDelivery(lead.id, "CRM_WEBHOOK");
    expect(delivery).toMatchObject({ status: "DELIVERED", attempts: 3, lastStatusCode: 200, lastError: null });
    expect(delivery.attemptLog.map((a) => [a.statusCode, a.error, a.replay])).toEqual([
      [503, "HTTP 503", false],
      [503, "HTTP 503", false],
      [200, null, false],
    ]);
    expect(delivery.attemptLog[0].responseSnippet).toBe("receiver is down");
    const bodies = requestsTo(path).map((r) => r.body);
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);
    // Speed to lead: the buyer had the lead when its CRM accepted it (the third attempt), not at the sale.
    const sale = await prisma.leadSale.findFirstOrThrow({ where: { leadId: lead.id } });
    expect(sale.deliveredAt).toEqual(delivery.deliveredAt);
    expect(sale.deliveredAt!.getTime()).toBeGreaterThan(sale.soldAt.getTime());
  });

  it("a portal sale is delivered when sold; a webhook sale whose CRM never accepts it stays undelivered, and a replay that succeeds sets it once", async () => {
    const portal = await makeMarket(stack());
    const sold = await postAndSettle(stack(), portal.affiliate.apiKey, portal.offer.id);
    const portalSale = await prisma.leadSale.findFirstOrThrow({ where: { leadId: sold.id } });
    expect(portalSale.deliveredAt).toEqual(portalSale.soldAt);

    const path = crmPath();
    const { affiliate, offer, buyer } = await makeMarket(stack(), { webhookUrl: `${crm.url}${path}` });
    crm.failNext(3, 500);
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    const failed = await settledDelivery(lead.id, "CRM_WEBHOOK");
    expect(failed.status).toBe("FAILED");
    expect((await prisma.leadSale.findFirstOrThrow({ where: { leadId: lead.id } })).deliveredAt).toBeNull();

    const { replayOwnDelivery } = await import("~/modules/deliveries/outbound.server");
    await replayOwnDelivery(buyer.actor, failed.id);
    const delivered = (await prisma.leadSale.findFirstOrThrow({ where: { leadId: lead.id } })).deliveredAt;
    expect(delivered).not.toBeNull();
    await replayOwnDelivery(buyer.actor, failed.id);
    expect((await prisma.leadSale.findFirstOrThrow({ where: { leadId: lead.id } })).deliveredAt).toEqual(delivered);
  });

  it("gives up after the configured attempts and says so on the lead's timeline", async () => {
    const path = crmPath();
    const { affiliate, offer } = await makeMarket(stack(), { webhookUrl: `${crm.url}${path}` });
    crm.failNext(3, 500);
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id);

    const delivery = await settledDelivery(lead.id, "CRM_WEBHOOK");
    expect(delivery).toMatchObject({ status: "FAILED", attempts: 3, lastStatusCode: 500 });
    const events = await prisma.leadEvent.findMany({ where: { leadId: lead.id, type: "delivery" }, orderBy: { seq: "asc" } });
    expect(events.at(-1)?.message).toBe("CRM webhook failed (sold) after 3 attempts: HTTP 500");
    const outbox = await prisma.outboxMessage.findFirstOrThrow({ where: { queue: "outbound-delivery", key: delivery.id } });
    expect(outbox.processedAt).not.toBeNull();
  });

  it("replays a delivery from the deliveries page, and another advertiser cannot replay it", async () => {
    const path = crmPath();
    const { affiliate, offer, buyer } = await makeMarket(stack(), { webhookUrl: `${crm.url}${path}` });
    crm.failNext(3, 500);
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    const failed = await settledDelivery(lead.id, "CRM_WEBHOOK");
    expect(failed.status).toBe("FAILED");

    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const page = await fetch(new URL("/advertiser/deliveries", stack().appUrl), { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(failed.id);
    expect(html).toContain("failed");

    const stranger = await makeAdvertiser();
    const strangerCookie = await signIn(stack().appUrl, stranger.email, stranger.password);
    const refused = await post(`${stack().appUrl}/advertiser/deliveries`, strangerCookie, { intent: "replay", deliveryId: failed.id });
    expect(refused.status).toBe(404);
    const strangerPage = await (await fetch(new URL("/advertiser/deliveries", stack().appUrl), { headers: { cookie: strangerCookie } })).text();
    expect(strangerPage).not.toContain(failed.id);
    expect(requestsTo(path)).toHaveLength(3);

    const replay = await post(`${stack().appUrl}/advertiser/deliveries`, cookie, { intent: "replay", deliveryId: failed.id });
    expect(replay.status).toBe(200);
    const after = await prisma.outboundDelivery.findUniqueOrThrow({ where: { id: failed.id }, include: { attemptLog: { orderBy: { attemptedAt: "asc" } } } });
    expect(after).toMatchObject({ status: "DELIVERED", attempts: 4, lastStatusCode: 200 });
    expect(after.attemptLog.map((a) => a.replay)).toEqual([false, false, false, true]);
    expect(requestsTo(path)).toHaveLength(4);

    // A delivered one can be replayed too: the CRM gets it again.
    await post(`${stack().appUrl}/advertiser/deliveries`, cookie, { intent: "replay", deliveryId: failed.id });
    expect(requestsTo(path)).toHaveLength(5);
    const events = await prisma.leadEvent.findMany({ where: { leadId: lead.id, type: "delivery" }, orderBy: { seq: "asc" } });
    expect(events.at(-1)?.message).toBe("CRM webhook replayed (sold): HTTP 200");
  });

  it("sends a webhook whose job never reached Redis once the outbox sweeper picks it up", async () => {
    const path = crmPath();
    const { affiliate, offer, order } = await makeMarket(stack());
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    const sale = await prisma.leadSale.findFirstOrThrow({ where: { leadId: lead.id } });
    await prisma.order.update({ where: { id: order.id }, data: { delivery: "WEBHOOK", webhookUrl: `${crm.url}${path}` } });
    // Written like the pipeline writes it, but never dispatched: as if Redis refused the job.
    await prisma.$transaction((tx) => queueCrmWebhookForSale(tx, sale.id));

    const delivery = await settledDelivery(lead.id, "CRM_WEBHOOK");
    expect(delivery.status).toBe("DELIVERED");
    expect(requestsTo(path)).toHaveLength(1);
    // Queuing the same sale again is the same delivery.
    await prisma.$transaction((tx) => queueCrmWebhookForSale(tx, sale.id));
    expect(await prisma.outboundDelivery.count({ where: { leadId: lead.id } })).toBe(1);
  });

  it("shows the signing secret on the settings page and rotates it", async () => {
    const buyer = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const first = await (await fetch(new URL("/advertiser/settings", stack().appUrl), { headers: { cookie } })).text();
    const { signingSecret } = await prisma.company.findUniqueOrThrow({ where: { id: buyer.actor.companyId } });
    expect(signingSecret).toMatch(/^lxsig_/);
    expect(first).toContain(signingSecret);

    const rotated = await post(`${stack().appUrl}/advertiser/settings`, cookie, { intent: "rotate" });
    expect(rotated.status).toBe(200);
    const after = await prisma.company.findUniqueOrThrow({ where: { id: buyer.actor.companyId } });
    expect(after.signingSecret).toMatch(/^lxsig_/);
    expect(after.signingSecret).not.toBe(signingSecret);
    await waitFor("the page to show the new secret", async () =>
      (await (await fetch(new URL("/advertiser/settings", stack().appUrl), { headers: { cookie } })).text()).includes(after.signingSecret!),
    );
  });
});
