import { afterAll, describe, expect, it } from "vitest";
import { metricsAccess } from "~/modules/operations/metrics.server";
import { CONVERSION_BILLING_QUEUE } from "~/queues/conversion-billing.queue.server";
import { LEAD_PROCESSING_QUEUE } from "~/queues/lead-processing.queue.server";
import { OUTBOUND_DELIVERY_QUEUE } from "~/queues/outbound-delivery.queue.server";
import { closeQueues, getQueue } from "~/queues/queue.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAffiliate } from "./factories/accounts";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { makeOffer } from "./factories/marketplace";
import { signIn, useTestStack } from "./support/app";
import { waitFor } from "./support/wait";

const TOKEN = "metrics-token-for-the-test-0123456789";
// Workers off at first: the posted leads wait in the queue, undecided, until the test starts them.
const stack = useTestStack({ workers: false, env: { METRICS_TOKEN: TOKEN } });

afterAll(async () => {
  await closeQueues();
});

async function scrape(authorization?: string) {
  const response = await fetch(new URL("/metrics", stack().appUrl), { headers: authorization ? { authorization } : {} });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

/** The samples of a scrape, by series: `leadex_queue_jobs{queue="lead-processing",state="waiting"}` → 3. */
function samples(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    series.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return series;
}
const jobs = (queue: string, state: string) => `leadex_queue_jobs{queue="${queue}",state="${state}"}`;

describe("metrics endpoint", () => {
  it("exists only with a METRICS_TOKEN, and answers only a request bearing it", async () => {
    expect(metricsAccess(`Bearer ${TOKEN}`, undefined)).toBe("disabled");
    expect(metricsAccess(null, TOKEN)).toBe("unauthorized");
    expect(metricsAccess(`Bearer ${TOKEN}x`, TOKEN)).toBe("unauthorized");
    expect(metricsAccess(`Basic ${TOKEN}`, TOKEN)).toBe("unauthorized");
    expect(metricsAccess(`Bearer ${TOKEN}`, TOKEN)).toBe("allowed");

    expect((await scrape()).status).toBe(401);
    const wrong = await scrape("Bearer not-the-token-0123456789");
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain("leadex_");
    const right = await scrape(`Bearer ${TOKEN}`);
    expect(right.status).toBe(200);
    expect(right.type).toContain("text/plain; version=0.0.4");
    expect(right.text).toContain("# TYPE leadex_leads_received_total counter");
    expect(right.text).toContain("# TYPE leadex_queue_jobs gauge");
  });

  it("queue depth, the oldest undecided lead's age, decisions per minute and leads received match a known set of leads and jobs", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor); // no orders: every lead is decided unsold
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const posted = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields() });
      expect(posted.status).toBe(201);
      ids.push(posted.body.lead_id);
    }
    // The first lead arrived two minutes ago.
    await prisma.lead.update({ where: { id: ids[0] }, data: { receivedAt: new Date(Date.now() - 120_000) } });
    // A job that used up its attempts, and one waiting for its time.
    const billing = getQueue(CONVERSION_BILLING_QUEUE);
    void billing.process(async () => {
      throw new Error("made to fail by the test");
    });
    await billing.add({ conversionId: "metrics-test" }, { jobId: "metrics-test-failed", attempts: 1 });
    await waitFor("the job to fail", async () => (await billing.getJobCounts()).failed === 1);
    await getQueue(OUTBOUND_DELIVERY_QUEUE).add({ deliveryId: "metrics-test" }, { jobId: "metrics-test-delayed", delay: 3_600_000 });
    await waitFor("the three leads' jobs to be queued", async () => (await getQueue(LEAD_PROCESSING_QUEUE).getJobCounts()).waiting === 3);

    const before = samples((await scrape(`Bearer ${TOKEN}`)).text);
    expect(before.get("leadex_queue_up")).toBe(1);
    expect(before.get(jobs(LEAD_PROCESSING_QUEUE, "waiting"))).toBe(3);
    expect(before.get(jobs(LEAD_PROCESSING_QUEUE, "active"))).toBe(0);
    expect(before.get(jobs(CONVERSION_BILLING_QUEUE, "failed"))).toBe(1);
    expect(before.get(jobs(OUTBOUND_DELIVERY_QUEUE, "delayed"))).toBe(1);
    expect(before.get("leadex_oldest_undecided_lead_age_seconds")).toBeGreaterThanOrEqual(119);
    expect(before.get("leadex_oldest_undecided_lead_age_seconds")).toBeLessThan(180);
    expect(before.get("leadex_lead_decisions_last_minute")).toBe(0);
    expect(before.get("leadex_leads_received_total")).toBe(3);

    // The admin console's landing shows the same figures.
    const admin = await makeAdmin();
    const cookie = await signIn(stack().appUrl, admin.email, admin.password);
    const landing = await fetch(new URL("/admin", stack().appUrl), { headers: { cookie }, redirect: "manual" });
    expect(landing.status).toBe(200);
    const html = await landing.text();
    expect(html).toMatch(/data-testid="oldest-undecided">2 min \d+ s</);
    expect(html).toContain('data-testid="decisions-last-minute">0<');
    expect(html).toContain('data-testid="jobs-waiting">4<'); // 3 leads waiting + 1 delayed delivery
    expect(html).toContain('href="/admin/review"');
    expect(html).toContain('href="/admin/queues"');

    // The operators' queue dashboard lists every worker queue for the admin.
    const board = await fetch(new URL("/admin/queues/api/queues", stack().appUrl), { headers: { cookie } });
    expect(board.status).toBe(200);
    const names = ((await board.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining([LEAD_PROCESSING_QUEUE, OUTBOUND_DELIVERY_QUEUE, CONVERSION_BILLING_QUEUE]));
    // The board's page styles its elements inline (allowed there only); scripts stay nonce-only everywhere.
    const boardPage = await fetch(new URL("/admin/queues", stack().appUrl), { headers: { cookie } });
    expect(boardPage.status).toBe(200);
    expect(boardPage.headers.get("content-security-policy")).toContain("style-src 'self' 'unsafe-inline'");
    expect(boardPage.headers.get("content-security-policy")).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(landing.headers.get("content-security-policy")).toContain("style-src 'self';");

    await stack().startWorkers();
    await waitFor("the three leads to be decided", async () => (await prisma.lead.count({ where: { id: { in: ids }, status: "UNSOLD" } })) === 3, {
      timeoutMs: 30_000,
    });
    const after = samples((await scrape(`Bearer ${TOKEN}`)).text);
    expect(after.get(jobs(LEAD_PROCESSING_QUEUE, "waiting"))).toBe(0);
    expect(after.get("leadex_oldest_undecided_lead_age_seconds")).toBe(0);
    expect(after.get("leadex_lead_decisions_last_minute")).toBe(3);
    expect(after.get("leadex_leads_received_total")).toBe(3);
    expect(after.get(jobs(CONVERSION_BILLING_QUEUE, "failed"))).toBe(1);
  });
});
