import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { signIn, useTestStack, visibleText } from "./support/app";

const stack = useTestStack({ workers: false });

async function submit(path: string, fields: Record<string, string>, cookie: string) {
  const response = await fetch(new URL(path, stack().appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams(fields),
  });
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0]);
  return { status: response.status, location: response.headers.get("location"), cookies, text: await response.text() };
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

    const foreign = await submit("/advertiser/api-keys", { intent: "revoke", id: ownerKey.id, confirm: "yes" }, strangerCookie);
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain("revoked");
    const strangerPage = await fetch(new URL(`/advertiser/api-keys?confirm=${ownerKey.id}`, stack().appUrl), { headers: { cookie: strangerCookie } });
    expect(await strangerPage.text()).not.toContain('data-testid="revoke-confirmation"');
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: ownerKey.id } })).revokedAt).toBeNull();
    const api = await fetch(new URL("/api/v1/advertiser/leads", stack().appUrl), { headers: { authorization: `Bearer ${owner.apiKey}` } });
    expect(api.status).toBe(200);

    const ownerCookie = await signIn(stack().appUrl, owner.email, owner.password);
    expect((await submit("/advertiser/api-keys", { intent: "revoke", id: ownerKey.id, confirm: "yes" }, ownerCookie)).status).toBe(302);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: ownerKey.id } })).revokedAt).not.toBeNull();
    expect((await submit("/advertiser/api-keys", { intent: "revoke", id: ownerKey.id, confirm: "yes" }, ownerCookie)).status).toBe(302);
    expect((await submit("/advertiser/api-keys", { intent: "revoke", id: "no-such-key", confirm: "yes" }, ownerCookie)).status).toBe(404);
  });

  for (const portal of ["advertiser", "affiliate"] as const) {
    it(`an ${portal} is asked to confirm before a key is revoked, then told it is revoked (no JavaScript needed)`, async () => {
      const account = portal === "advertiser" ? await makeAdvertiser() : await makeAffiliate();
      const key = await prisma.apiKey.findFirstOrThrow({ where: { companyId: account.actor.companyId } });
      const cookie = await signIn(stack().appUrl, account.email, account.password);
      const page = `/${portal}/api-keys`;

      // Pressing "Revoke…" only asks: the key still works.
      const asked = await submit(page, { intent: "revoke", id: key.id }, cookie);
      expect(asked.status).toBe(302);
      expect(asked.location).toBe(`${page}?confirm=${key.id}#revoke`);
      expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toBeNull();
      const confirmation = visibleText(await (await fetch(new URL(`${page}?confirm=${key.id}`, stack().appUrl), { headers: { cookie } })).text());
      expect(confirmation).toContain(`Revoke key “${key.label}”? This cannot be undone. Every request signed with lx_${key.prefix}_… is refused from then on`);
      expect(confirmation).toContain("Revoke the key for good");

      // Confirming revokes it and says so on the page it lands on.
      const revoked = await submit(page, { intent: "revoke", id: key.id, confirm: "yes" }, cookie);
      expect(revoked.status).toBe(302);
      expect(revoked.location).toBe(page);
      expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).not.toBeNull();
      const landed = await fetch(new URL(page, stack().appUrl), { headers: { cookie: [cookie, ...revoked.cookies].join("; ") } });
      const text = visibleText(await landed.text());
      expect(text).toContain(`Key “${key.label}” revoked: requests signed with it are refused from now on.`);
      expect(text).not.toContain("Revoke the key for good");
    });
  }

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
