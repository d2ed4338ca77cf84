import { expect } from "vitest";
import { processReceivedLead } from "~/modules/leads/lead-pipeline.server";
import { affiliateLeadId, leadFields, postLead } from "../factories/leads";

/**
 * Posts a lead over HTTP and runs the lead pipeline on it in the test process, as the worker
 * would: for stacks started without workers that need a lead sold (delivered) to an order.
 */
export async function leadSoldInProcess(appUrl: string, affiliateKey: string, offerId: string): Promise<string> {
  const posted = await postLead(appUrl, affiliateKey, { offer_id: offerId, lead_id: affiliateLeadId(), ...leadFields() });
  expect(posted.status, JSON.stringify(posted.body)).toBe(201);
  expect(await processReceivedLead(posted.body.lead_id)).toBe("sold");
  return posted.body.lead_id;
}
