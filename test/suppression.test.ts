import { describe, expect, it } from "vitest";
import { personHash } from "~/modules/quality/person-hash.server";
import { suppressingAdvertiserIds } from "~/modules/quality/suppression.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { affiliateLeadId, checkOutcomes, leadDecided, leadFields, postLead } from "./factories/leads";
import { makeOffer } from "./factories/marketplace";
import { signIn, useTestStack } from "./support/app";

const stack = useTestStack();

/** The page as a person reads it: markup without scripts (whose hydration data repeats every answer). */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, " ");
}

/** Submits a suppression page's form as a browser without JavaScript does (multipart, optionally a CSV file). */
async function upload(path: string, cookie: string, fields: Record<string, string>, file?: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file !== undefined) form.set("file", new Blob([file], { type: "text/csv" }), "list.csv");
  const response = await fetch(new URL(path, stack().appUrl), { method: "POST", headers: { cookie }, body: form, redirect: "manual" });
  return { status: response.status, text: visibleText(await response.text()) };
}

describe("suppression lists", () => {
  it("an advertiser uploads plain and hashed emails and phones; bad lines are named; a second upload adds nothing", async () => {
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const hashed = personHash("grace@example.com");
    const lines = ["Ada@Example.com", hashed, "not an email", "", "ada@example.com"].join("\n");
    const first = await upload("/advertiser/suppression", cookie, { kind: "EMAIL", lines });
    expect(first.status).toBe(200);
    expect(first.text).toContain("2 added, 1 already on the list.");
    expect(first.text).toContain("Line 3: not an email address or a SHA-256 hex hash");
    const again = await upload("/advertiser/suppression", cookie, { kind: "EMAIL", lines: `ada@example.com\n${hashed.toUpperCase()}` });
    expect(again.text).toContain("0 added, 2 already on the list.");
    expect(again.text).not.toContain("Line ");

    const phones = await upload("/advertiser/suppression", cookie, { kind: "PHONE", lines: "" }, "phone\n(415) 555-2671\n+14155552672\n555\n");
    expect(phones.text).toContain("2 added, 0 already on the list.");
    expect(phones.text).toContain("Line 4: not a valid phone number or a SHA-256 hex hash");

    const entries = await prisma.suppressionEntry.findMany({ where: { advertiserId: advertiser.actor.companyId } });
    expect(entries.map((e) => e.hash).sort()).toEqual([personHash("ada@example.com"), hashed, personHash("+14155552671"), personHash("+14155552672")].sort());
    const page = await fetch(new URL("/advertiser/suppression", stack().appUrl), { headers: { cookie } });
    expect(await page.text()).toContain("Suppression list");

    // Routing asks which advertisers never want this person.
    const suppressing = await prisma.$transaction((tx) => suppressingAdvertiserIds(tx, { emailHash: personHash("ada@example.com"), phoneHash: null }));
    expect([...suppressing]).toEqual([advertiser.actor.companyId]);
  });

  it("a form without a kind names the field; an affiliate cannot open the page", async () => {
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const bad = await upload("/advertiser/suppression", cookie, { lines: "ada@example.com" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Choose whether the lines are emails or phones");
    const affiliate = await makeAffiliate();
    const affiliateCookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const denied = await fetch(new URL("/advertiser/suppression", stack().appUrl), { headers: { cookie: affiliateCookie }, redirect: "manual" });
    expect([302, 403]).toContain(denied.status);
  });

  it("a lead on the platform suppression list is rejected as suppressed; once removed it passes", async () => {
    const admin = await makeAdmin();
    const cookie = await signIn(stack().appUrl, admin.email, admin.password);
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const person = leadFields();
    const added = await upload("/admin/suppression", cookie, { kind: "PHONE", lines: person.phone });
    expect(added.text).toContain("1 added, 0 already on the list.");

    const answer = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...person });
    const lead = await leadDecided(answer.body.lead_id);
    expect(lead.status).toBe("REJECTED");
    expect(lead.reasons).toEqual(["suppressed"]);
    expect(checkOutcomes(lead.events).suppression).toBe("fail");

    const removed = await upload("/admin/suppression", cookie, { kind: "PHONE", lines: person.phone, intent: "remove" });
    expect(removed.text).toContain("1 removed.");
    const again = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...person });
    const passed = await leadDecided(again.body.lead_id);
    expect(passed.status).toBe("UNSOLD");
    expect(checkOutcomes(passed.events).suppression).toBe("pass");
  });

  it("each admin upload to and removal from the platform list is audited with the admin, the scope and the counts", async () => {
    const admin = await makeAdmin();
    const cookie = await signIn(stack().appUrl, admin.email, admin.password);
    const emails = [`audit-a.${Date.now()}@example.com`, `audit-b.${Date.now()}@example.com`];
    const added = await upload("/admin/suppression", cookie, { kind: "EMAIL", lines: [...emails, "not an email"].join("\n") });
    expect(added.text).toContain("2 added, 0 already on the list.");
    const removed = await upload("/admin/suppression", cookie, { kind: "EMAIL", lines: emails[0], intent: "remove" });
    expect(removed.text).toContain("1 removed.");

    const audit = await prisma.auditLog.findMany({ where: { actorId: admin.actor.userId }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => ({ action: a.action, target: `${a.targetType}:${a.targetId}`, data: a.data }))).toEqual([
      { action: "suppression.added", target: "SuppressionList:platform", data: { scope: "platform", kind: "EMAIL", added: 2, alreadyPresent: 0, badLines: 1 } },
      { action: "suppression.removed", target: "SuppressionList:platform", data: { scope: "platform", kind: "EMAIL", removed: 1, badLines: 0 } },
    ]);
  });
});
