import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { signIn, useTestStack } from "./support/app";

const stack = useTestStack({ workers: false });

async function submit(path: string, fields: Record<string, string>, cookie: string) {
  const response = await fetch(new URL(path, stack().appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, text: await response.text() };
}

describe("advertiser API keys", () => {
  it("an advertiser creates a key that is shown once and reads leads by API", async () => {
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);

    const created = await submit("/advertiser/api-keys", { intent: "create", label: "CRM sync" }, cookie);
    expect(created.status).toBe(200);
    const key = /lx_[a-z0-9]{10}_[A-Za-z0-9_-]{32,}/.exec(created.text)?.[0];
    expect(key).toBeDefined();
    expect(created.text).toContain(`data-testid="new-api-key">${key}</code>`);
    const row = await prisma.apiKey.findFirstOrThrow({ where: { companyId: advertiser.actor.companyId, label: "CRM sync" } });
    expect(row.hash).not.toContain(key!.split("_").slice(2).join("_"));

    const listing = await fetch(new URL("/advertiser/api-keys", stack().appUrl), { headers: { cookie } });
    expect(listing.status).toBe(200);
    const page = await listing.text();
    expect(page).toContain("CRM sync");
    expect(page).not.toContain(key);

    // The key is accepted: an unknown lead is "not found", not "unauthorized".
    const api = await fetch(new URL("/api/v1/leads/no-such-lead", stack().appUrl), { headers: { authorization: `Bearer ${key}` } });
    expect(api.status).toBe(404);
  });

  it("revoking another company's key is not found and leaves that key working; revoking your own twice is fine", async () => {
    const owner = await makeAdvertiser();
    const stranger = await makeAdvertiser();
    const ownerKey = await prisma.apiKey.findFirstOrThrow({ where: { companyId: owner.actor.companyId } });
    const strangerCookie = await signIn(stack().appUrl, stranger.email, stranger.password);

    const foreign = await submit("/advertiser/api-keys", { intent: "revoke", id: ownerKey.id }, strangerCookie);
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain("revoked");
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: ownerKey.id } })).revokedAt).toBeNull();
    const api = await fetch(new URL("/api/v1/advertiser/leads", stack().appUrl), { headers: { authorization: `Bearer ${owner.apiKey}` } });
    expect(api.status).toBe(200);

    const ownerCookie = await signIn(stack().appUrl, owner.email, owner.password);
    expect((await submit("/advertiser/api-keys", { intent: "revoke", id: ownerKey.id }, ownerCookie)).status).toBe(200);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: ownerKey.id } })).revokedAt).not.toBeNull();
    expect((await submit("/advertiser/api-keys", { intent: "revoke", id: ownerKey.id }, ownerCookie)).status).toBe(200);
    expect((await submit("/advertiser/api-keys", { intent: "revoke", id: "no-such-key" }, ownerCookie)).status).toBe(404);
  });

  it("a label is required", async () => {
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const answer = await submit("/advertiser/api-keys", { intent: "create", label: "  " }, cookie);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("Give the key a label");
  });

  it("an affiliate may not open the advertiser's API keys page", async () => {
    const affiliate = await makeAffiliate();
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const page = await fetch(new URL("/advertiser/api-keys", stack().appUrl), { headers: { cookie }, redirect: "manual" });
    expect(page.status).toBe(403);
    const created = await submit("/advertiser/api-keys", { intent: "create", label: "Sneaky" }, cookie);
    expect(created.status).toBe(403);
    expect(await prisma.apiKey.count({ where: { companyId: affiliate.actor.companyId, label: "Sneaky" } })).toBe(0);
  });
});
