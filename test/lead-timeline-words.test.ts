import { describe, expect, it } from "vitest";
import { makeAdmin, makeAffiliate } from "./factories/accounts";
import { makeOffer } from "./factories/marketplace";
import { signIn, useTestStack, visibleText } from "./support/app";
import { postAndSettle } from "./support/selling";

// A lead's timeline names each reason in words with its code beside it, on the affiliate's and the admin's lead pages.

const stack = useTestStack();

async function timelineText(path: string, cookie: string): Promise<string> {
  const html = await (await fetch(new URL(path, stack().appUrl), { headers: { cookie } })).text();
  const timeline = /<ol class="timeline">([\s\S]*?)<\/ol>/.exec(html);
  expect(timeline, `a timeline on ${path}`).not.toBeNull();
  return visibleText(timeline![1]);
}

describe("lead timeline in words", () => {
  it("a lead outside the offer's states shows the failed check and the rejection in words with out_of_geo beside them", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { states: ["CA", "TX"] });
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id, { state: "FL", postal_code: "33101" });
    expect(lead.status).toBe("REJECTED");

    const affiliateCookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const admin = await makeAdmin();
    const adminCookie = await signIn(stack().appUrl, admin.email, admin.password);
    for (const [path, cookie] of [
      [`/affiliate/leads/${lead.id}`, affiliateCookie],
      [`/admin/leads/${lead.id}`, adminCookie],
    ] as const) {
      const text = await timelineText(path, cookie);
      expect(text).toContain("geo failed: State FL is outside the offer's geo (CA, TX) · The lead is outside the offer's states (out_of_geo)");
      expect(text).toMatch(/Rejected: State FL is outside the offer's geo \(CA, TX\) · The lead is outside the offer's states \(out_of_geo\)/);
      expect(text).not.toContain("geo: fail:");
    }
  });

  it("a lead nobody bought says why in words with no_matching_order beside it", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    expect(lead.status).toBe("UNSOLD");
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    expect(await timelineText(`/affiliate/leads/${lead.id}`, cookie)).toContain(
      "Not sold: no open order matched · No buyer's order matched this lead (no_matching_order)",
    );
  });
});
