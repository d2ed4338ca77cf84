/**
 * Who gets what: every route module under app/routes × every role, with the answer each role
 * should get. The route list comes from app/routes through Remix's own flat-routes resolver, so a
 * new route without a row in MATRIX fails the first test, naming it.
 *
 * Route params are filled with ids that belong to the first affiliate and advertiser: a lead the
 * first affiliate sold to the first advertiser ($leadId) and the first affiliate's published offer
 * ($offerId). "Another" affiliate or advertiser must never get that data. Portal routes are asked
 * with each role's session cookie, API routes with each role's API key (the admin, who has none,
 * with a session cookie, which an API must not take). POST sends a minimal form per intent the
 * action reads, with an Origin of the app itself; it checks the role gate, not the whole behaviour.
 */
import fs from "node:fs";
import path from "node:path";
import { flatRoutes } from "@remix-run/dev/dist/config/flat-routes.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "~/modules/accounts/api-keys.server";
import { saveOwnConversionRule } from "~/modules/conversions/conversion-rules.server";
import { saveOwnPostbackSettings } from "~/modules/deliveries/affiliate-postbacks.server";
import { readTrueUpRow } from "~/modules/reconciliation/true-up-format";
import { runLedgerReconciliation } from "~/modules/reconciliation/ledger-reconciliation.server";
import { createTrueUp } from "~/modules/reconciliation/true-ups.server";
import { prisma } from "~/utils/db.server";
import remixConfig from "../remix.config.js";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { signIn, useTestStack } from "./support/app";
import { startHttpReceiver, type HttpReceiver } from "./support/http-receiver";
import { settledDelivery } from "./support/selling";
import { waitFor } from "./support/wait";

// Every API route is asked without a key (and with the admin's cookie): more failed keys from one
// address than the brute-force limit allows. The limit has its own test (brute-force.test.ts).
const stack = useTestStack({ env: { API_KEY_ADDRESS_MAX_FAILURES: "1000" } });

const ROLES = ["visitor", "otherAffiliate", "otherAdvertiser", "admin", "affiliate", "advertiser"] as const;
type Role = (typeof ROLES)[number];

/**
 * An expected answer: a status, "302 /login" (a redirect to a URL starting with /login), or
 * alternatives "401|429" (login and sign-up failures are rate-limited per client address).
 */
type Expected = number | string;
type Answers = Record<Role, Expected>;

/** What the tests know about the accounts and their data. */
interface World {
  affiliateId: string;
  payoutId: string;
  noticeId: string;
  trueUpId: string;
  /** A return of the first lead by the first advertiser, awaiting the first affiliate's answer, with an evidence file. */
  disputeId: string;
  evidenceId: string;
  /** A card dispute of the first advertiser's top-up, decided (won) and its orders resumed. */
  chargebackId: string;
  /** A stored ledger reconciliation run. */
  ledgerRunId: string;
  leadId: string;
  /** The first lead's id as its affiliate posted it (`lead_id`). */
  leadExternalId: string;
  leadEmail: string;
  offerId: string;
  orderId: string;
  /** A locked conversion of the first advertiser on the first lead, and one of its CSV uploads. */
  conversionId: string;
  uploadId: string;
  affiliateDeliveryId: string;
  advertiserDeliveryId: string;
  affiliateSpareKeyId: string;
  advertiserSpareKeyId: string;
  /** A conversion rule of the first advertiser (deleted by the matrix's last POST to the rules page). */
  advertiserRuleId: string;
  receiverUrl: string;
  /** An advertiser (none of the roles) whose own Stripe sends sales to /webhooks/stripe/conversions/:advertiserId. */
  stripeEndpointAdvertiserId: string;
  cookies: Record<Exclude<Role, "visitor">, string>;
  logins: Record<Exclude<Role, "visitor">, { email: string; password: string }>;
  apiKeys: Record<"affiliate" | "otherAffiliate" | "advertiser" | "otherAdvertiser", string>;
}

interface PostCase {
  /** The fields of a minimal form (JSON for API routes). */
  form: (world: World) => Record<string, string>;
  answers: Answers;
  /** Ask with a session of its own (logging out ends the session it is sent with). */
  ownSession?: true;
}

interface RouteRow {
  GET: Answers;
  /** One entry per intent the action reads; required when the module exports an action. */
  POST?: Record<string, PostCase>;
}

const LOGIN = "302 /login";
const all = (answer: Expected): Answers => ({
  visitor: answer,
  affiliate: answer,
  otherAffiliate: answer,
  advertiser: answer,
  otherAdvertiser: answer,
  admin: answer,
});
const signedInGoHome: Answers = {
  visitor: 200,
  affiliate: "302 /affiliate",
  otherAffiliate: "302 /affiliate",
  advertiser: "302 /advertiser",
  otherAdvertiser: "302 /advertiser",
  admin: "302 /admin/leads",
};

// Portal areas: who may enter at all (the role gate of the layout and of every page in it).
const adminOnly = (admin: Expected): Answers => ({ visitor: LOGIN, affiliate: 403, otherAffiliate: 403, advertiser: 403, otherAdvertiser: 403, admin });
const advertisersOnly = (advertiser: Expected, otherAdvertiser: Expected = advertiser): Answers => ({
  visitor: LOGIN,
  affiliate: 403,
  otherAffiliate: 403,
  advertiser,
  otherAdvertiser,
  admin: 403,
});
const affiliatesOnly = (affiliate: Expected, otherAffiliate: Expected = affiliate): Answers => ({
  visitor: LOGIN,
  affiliate,
  otherAffiliate,
  advertiser: 403,
  otherAdvertiser: 403,
  admin: 403,
});
/** API routes: no key is 401; so is the admin's session cookie (a cookie is no API credential). */
const api = (answers: Omit<Answers, "visitor" | "admin">): Answers => ({ visitor: 401, admin: 401, ...answers });
const affiliateApi = (affiliate: Expected, otherAffiliate: Expected = affiliate): Answers =>
  api({ affiliate, otherAffiliate, advertiser: 403, otherAdvertiser: 403 });

const validLead = (world: World, extra: Record<string, string> = {}) => ({ offer_id: world.offerId, lead_id: affiliateLeadId(), ...leadFields(), ...extra });

const MATRIX: Record<string, RouteRow> = {
  "routes/_index": { GET: all(200) },
  "routes/healthz": { GET: all(200) },
  "routes/login": {
    GET: signedInGoHome,
    // Someone signed in is sent home whatever they post (the page's loader redirects).
    POST: {
      "a wrong password": { form: () => ({ email: "nobody@example.test", password: "not-the-password" }), answers: { ...signedInGoHome, visitor: "401|429" } },
    },
  },
  "routes/signup": {
    GET: signedInGoHome,
    POST: { "an incomplete form": { form: () => ({ email: "not-an-email" }), answers: { ...signedInGoHome, visitor: "400|429" } } },
  },
  "routes/logout": { GET: all("302 /"), POST: { "logging out": { form: () => ({}), answers: all("302 /"), ownSession: true } } },

  // The admin console's landing: the backlog (queue depth, oldest undecided lead, decisions per minute).
  "routes/admin": { GET: adminOnly(200) },
  "routes/admin._index": { GET: adminOnly(200) },
  // Prometheus metrics: this stack sets no METRICS_TOKEN, so the endpoint does not exist for anyone (test/metrics.test.ts covers the token).
  "routes/metrics": { GET: all(404) },
  "routes/admin.leads._index": { GET: adminOnly(200) },
  "routes/admin.leads.$leadId": {
    GET: adminOnly(200),
    // The lead is sold, not held: the admin passes the gate and is told it cannot be decided.
    POST: {
      "approve a lead": { form: () => ({ decision: "approve", reason: "matrix" }), answers: adminOnly(409) },
      // A sale that is not the lead's: the admin passes the gate and is told there is none (nothing is opened).
      "return the lead for its buyer": { form: () => ({ intent: "return", saleId: "matrix-sale", reason: "wrong_person" }), answers: adminOnly(404) },
    },
  },
  // The admin's dispute queue, its CSV and flags; deciding without a reason is refused, so the matrix's dispute stays open.
  "routes/admin.disputes._index": { GET: adminOnly(200) },
  "routes/admin.disputes[.]csv": { GET: adminOnly(200) },
  "routes/admin.disputes.flags": { GET: adminOnly(200) },
  "routes/admin.disputes.$disputeId": {
    GET: adminOnly(200),
    POST: { "decide without a reason": { form: () => ({ decision: "deny", reason: "" }), answers: adminOnly(400) } },
  },
  "routes/admin.review._index": {
    GET: adminOnly(200),
    POST: { "resell without a reason": { form: (w) => ({ leadId: w.leadId, reason: "" }), answers: adminOnly(400) } },
  },
  // Admin console (issue 14): the actions are asked with a missing reason, so nothing is suspended or unlisted.
  "routes/admin.companies._index": { GET: adminOnly(200) },
  "routes/admin.companies.$companyId": {
    GET: adminOnly(200),
    POST: { "suspend the first affiliate without a reason": { form: () => ({ intent: "suspend", reason: "" }), answers: adminOnly(400) } },
  },
  "routes/admin.offers._index": { GET: adminOnly(200) },
  "routes/admin.offers.$offerId": {
    GET: adminOnly(200),
    POST: { "unlist the first offer without a reason": { form: () => ({ intent: "unlist", reason: "" }), answers: adminOnly(400) } },
  },
  "routes/admin.audit": { GET: adminOnly(200) },
  // Every signed-in user reads their own notifications.
  "routes/notifications": { GET: { visitor: LOGIN, affiliate: 200, otherAffiliate: 200, advertiser: 200, otherAdvertiser: 200, admin: 200 } },
  "routes/admin.conversions": { GET: adminOnly(200) },
  "routes/admin.conversions[.]csv": { GET: adminOnly(200) },
  // Reports: each role's own figures only (test/reports.test.ts checks what each one holds).
  "routes/admin.reports": { GET: adminOnly(200) },
  "routes/admin.reports[.]csv": { GET: adminOnly(200) },
  "routes/admin.payouts": {
    GET: adminOnly(200),
    POST: {
      "hold the first affiliate's payouts": { form: (w) => ({ intent: "hold", affiliateId: w.affiliateId, reason: "matrix" }), answers: adminOnly(302) },
      "run payouts now": { form: () => ({ intent: "run" }), answers: adminOnly(302) },
    },
  },
  // Billing: advertisers' wallets and refunds ($advertiserId is an advertiser with an empty wallet, so a refund is refused), card disputes.
  "routes/admin.billing._index": { GET: adminOnly(200) },
  "routes/admin.billing.$advertiserId": {
    GET: adminOnly(200),
    POST: {
      "refund more than the wallet holds": { form: () => ({ amount: "1", note: "matrix" }), answers: adminOnly(409) },
      "ask Stripe again for pending refunds": { form: () => ({ intent: "retry" }), answers: adminOnly(302) },
      "set postpaid terms (invalid credit limit)": {
        form: () => ({ intent: "postpaid", creditLimit: "not money", collection: "SEND_INVOICE", daysUntilDue: "" }),
        answers: adminOnly(400),
      },
    },
  },
  "routes/admin.chargebacks._index": { GET: adminOnly(200) },
  "routes/admin.chargebacks.$chargebackId": {
    GET: adminOnly(200),
    POST: {
      "submit no evidence": { form: () => ({ intent: "evidence" }), answers: adminOnly(400) },
      "resume orders already resumed": { form: () => ({ intent: "resume" }), answers: adminOnly(409) },
    },
  },
  "routes/admin.reconciliation": {
    GET: adminOnly(200),
    POST: { "run the reconciliation now": { form: () => ({ intent: "run" }), answers: adminOnly(302) } },
  },
  // Finance and the ledger reconciliation runs (admins only).
  "routes/admin.finance._index": {
    GET: adminOnly(200),
    POST: { "run the ledger reconciliation now": { form: () => ({ intent: "run" }), answers: adminOnly(302) } },
  },
  "routes/admin.finance.runs.$runId": { GET: adminOnly(200) },
  // The first advertiser's true-up is matched: the admin approves it (and is told so again after).
  "routes/admin.true-ups.$trueUpId": {
    GET: adminOnly(200),
    POST: { "approve the first advertiser's true-up": { form: () => ({ intent: "approve" }), answers: adminOnly(302) } },
  },
  // Evidence of a dispute: its two parties and admins download it; anyone else is told it does not exist.
  "routes/disputes.$disputeId.evidence.$evidenceId": {
    GET: { visitor: LOGIN, affiliate: 200, otherAffiliate: 404, advertiser: 200, otherAdvertiser: 404, admin: 200 },
  },
  // Everyone signed in may dismiss their own notices, and only theirs.
  "routes/notices.dismiss-all": {
    GET: all(405),
    POST: {
      "dismiss all of one's notices": {
        form: () => ({}),
        answers: {
          visitor: LOGIN,
          affiliate: "302 /affiliate",
          otherAffiliate: "302 /affiliate",
          advertiser: "302 /advertiser",
          otherAdvertiser: "302 /advertiser",
          admin: "302 /admin",
        },
      },
    },
  },
  // A notice belongs to one user: anyone else is told it does not exist.
  "routes/notices.$noticeId.dismiss": {
    GET: all(405),
    POST: {
      "dismiss the first affiliate's notice": {
        form: () => ({}),
        answers: { visitor: LOGIN, otherAffiliate: 404, otherAdvertiser: 404, admin: 404, affiliate: "302 /affiliate", advertiser: 404 },
      },
    },
  },
  "routes/admin.suppression": {
    GET: adminOnly(200),
    POST: { "suppress an email": { form: () => ({ kind: "EMAIL", lines: "suppressed-by-matrix@example.test" }), answers: adminOnly(200) } },
  },

  "routes/advertiser": { GET: advertisersOnly(200) },
  "routes/advertiser._index": { GET: advertisersOnly(200) },
  "routes/advertiser.api-keys": {
    GET: advertisersOnly(200),
    POST: {
      "create a key": { form: () => ({ intent: "create", label: "matrix" }), answers: advertisersOnly(200) },
      "ask to revoke the first advertiser's key": { form: (w) => ({ intent: "revoke", id: w.advertiserSpareKeyId }), answers: advertisersOnly(302) },
      "revoke the first advertiser's key": {
        form: (w) => ({ intent: "revoke", id: w.advertiserSpareKeyId, confirm: "yes" }),
        answers: advertisersOnly(302, 404),
      },
    },
  },
  "routes/advertiser.billing": {
    GET: advertisersOnly(200),
    POST: {
      "top up too little": { form: () => ({ amount: "1" }), answers: advertisersOnly(400) },
      "save a card (to Stripe's page)": { form: () => ({ intent: "save-card" }), answers: advertisersOnly(302) },
      "turn on auto-recharge without a saved card": {
        form: () => ({ intent: "auto-recharge", enabled: "on", threshold: "50", amount: "100" }),
        answers: advertisersOnly(400),
      },
      "remove a saved card that is none": { form: () => ({ intent: "remove-card" }), answers: advertisersOnly(302) },
    },
  },
  "routes/advertiser.billing.statement[.]csv": { GET: advertisersOnly(200) },
  "routes/advertiser.conversion-tracking": {
    GET: advertisersOnly(200),
    POST: {
      "make a pixel token": { form: () => ({ intent: "pixel-token" }), answers: advertisersOnly(200) },
      "save a signing secret that is none": { form: () => ({ intent: "stripe-secret", secret: "matrix" }), answers: advertisersOnly(400) },
      "disconnect Stripe": { form: () => ({ intent: "stripe-remove" }), answers: advertisersOnly(302) },
    },
  },
  "routes/advertiser.deliveries": {
    GET: advertisersOnly(200),
    POST: {
      "replay the first advertiser's delivery": { form: (w) => ({ intent: "replay", deliveryId: w.advertiserDeliveryId }), answers: advertisersOnly(200, 404) },
      "rotate the signing secret": { form: () => ({ intent: "rotate" }), answers: advertisersOnly(200) },
    },
  },
  // The first advertiser's conversion is locked: its buyer passes the gate and is told why it cannot be changed.
  "routes/advertiser.conversions._index": {
    GET: advertisersOnly(200),
    POST: {
      "approve the first advertiser's conversion": { form: (w) => ({ intent: "approve", conversionId: w.conversionId }), answers: advertisersOnly(409, 404) },
    },
  },
  "routes/advertiser.conversions.$conversionId": {
    GET: advertisersOnly(200, 404),
    POST: {
      "reject the first advertiser's conversion": { form: () => ({ intent: "reject", reason: "matrix" }), answers: advertisersOnly(409, 404) },
      "reverse the first advertiser's conversion": {
        form: () => ({ intent: "reversal", reason: "matrix", reversalId: "matrix-1" }),
        answers: advertisersOnly(409, 404),
      },
    },
  },
  "routes/advertiser.conversions.upload._index": {
    GET: advertisersOnly(200),
    POST: { "an upload without a file": { form: () => ({}), answers: advertisersOnly(400) } },
  },
  "routes/advertiser.conversions.upload.$uploadId._index": { GET: advertisersOnly(200, 404) },
  "routes/advertiser.conversions.upload.$uploadId.report[.]csv": { GET: advertisersOnly(200, 404) },
  "routes/advertiser.conversions.upload.template[.]csv": { GET: advertisersOnly(200) },
  "routes/advertiser.conversions.report": { GET: advertisersOnly(200) },
  "routes/advertiser.conversions.report[.]csv": { GET: advertisersOnly(200) },
  "routes/advertiser.reports": { GET: advertisersOnly(200) },
  "routes/advertiser.reports[.]csv": { GET: advertisersOnly(200) },
  "routes/advertiser.conversions.rules": {
    GET: advertisersOnly(200),
    POST: {
      "add a rule": {
        form: () => ({ intent: "save", name: `matrix ${Date.now()}`, condition: "event = matrix", action: "approve" }),
        answers: advertisersOnly(302),
      },
      "a rule without a condition": { form: () => ({ intent: "save", name: "matrix", condition: "", action: "approve" }), answers: advertisersOnly(400) },
      "try the rules": { form: () => ({ intent: "try", sale_amount: "10", event: "funded" }), answers: advertisersOnly(200) },
      "move the first advertiser's rule": {
        form: (w) => ({ intent: "move", ruleId: w.advertiserRuleId, direction: "down" }),
        answers: advertisersOnly(302, 404),
      },
      "delete the first advertiser's rule": { form: (w) => ({ intent: "delete", ruleId: w.advertiserRuleId }), answers: advertisersOnly(302, 404) },
    },
  },
  // Returns (the buyer's): the first lead already has a return ($disputeId), so asking again is a 409
  // for its buyer and "not found" for anyone else; the seller, not the buyer, answers a return.
  "routes/advertiser.leads._index": {
    GET: advertisersOnly(200),
    POST: {
      "return selected without a selection": { form: () => ({ reason: "duplicate" }), answers: advertisersOnly(400) },
      "mark contacted without a selection": { form: () => ({ intent: "contacted" }), answers: advertisersOnly(400) },
    },
  },
  "routes/advertiser.leads.$leadId": {
    GET: advertisersOnly(200, 404),
    POST: {
      "return the first lead again": { form: () => ({ reason: "wrong_person" }), answers: advertisersOnly(409, 404) },
      "mark the first lead contacted": { form: () => ({ intent: "contacted" }), answers: advertisersOnly("302 /advertiser/leads/", 404) },
    },
  },
  "routes/advertiser.returns._index": {
    GET: advertisersOnly(200),
    POST: { "a returns CSV upload without a file": { form: () => ({}), answers: advertisersOnly(400) } },
  },
  "routes/advertiser.returns[.]csv": { GET: advertisersOnly(200) },
  "routes/advertiser.returns.template[.]csv": { GET: advertisersOnly(200) },
  "routes/advertiser.disputes.$disputeId": {
    GET: advertisersOnly(200, 404),
    POST: { "accept the first advertiser's own return": { form: () => ({ response: "accept" }), answers: advertisersOnly(403, 404) } },
  },
  "routes/advertiser.leads[.]csv": { GET: advertisersOnly(200) },
  "routes/advertiser.marketplace._index": { GET: advertisersOnly(200) },
  // A published offer is on the marketplace for every advertiser.
  "routes/advertiser.marketplace.$offerId": {
    GET: advertisersOnly(200),
    POST: { "order without a price": { form: (w) => ({ offerId: w.offerId }), answers: advertisersOnly(400) } },
  },
  "routes/advertiser.orders._index": {
    GET: advertisersOnly(200),
    POST: {
      "pause the first advertiser's order": {
        form: (w) => ({ orderId: w.orderId, status: "PAUSED" }),
        answers: advertisersOnly("302 /advertiser/orders", 404),
      },
    },
  },
  // Closing asks for confirmation before anything is read, so the ask is the same for anyone.
  "routes/advertiser.orders.$orderId": {
    GET: advertisersOnly(200, 404),
    POST: {
      "edit the first advertiser's order below the offer's price": {
        form: (w) => ({ intent: "save", offerId: w.offerId, price: "0.01" }),
        answers: advertisersOnly(422, 404),
      },
      "close without confirmation": { form: () => ({ intent: "status", status: "CLOSED" }), answers: advertisersOnly("302 /advertiser/orders/") },
    },
  },
  "routes/advertiser.settings": {
    GET: advertisersOnly(200),
    POST: {
      "replay the first advertiser's delivery": { form: (w) => ({ intent: "replay", deliveryId: w.advertiserDeliveryId }), answers: advertisersOnly(200, 404) },
      "rotate the signing secret": { form: () => ({ intent: "rotate" }), answers: advertisersOnly(200) },
    },
  },
  "routes/advertiser.true-ups._index": {
    GET: advertisersOnly(200),
    POST: { "a period without a file": { form: () => ({ period_start: "2026-11-01", period_end: "2026-11-30" }), answers: advertisersOnly(400) } },
  },
  "routes/advertiser.true-ups.$trueUpId": { GET: advertisersOnly(200, 404) },
  "routes/advertiser.true-ups.template[.]csv": { GET: advertisersOnly(200) },
  "routes/advertiser.suppression": {
    GET: advertisersOnly(200),
    POST: { "suppress an email": { form: () => ({ kind: "EMAIL", lines: "suppressed-by-matrix@example.test" }), answers: advertisersOnly(200) } },
  },

  "routes/affiliate": { GET: affiliatesOnly(200) },
  "routes/affiliate._index": { GET: affiliatesOnly(200) },
  "routes/affiliate.api-keys": {
    GET: affiliatesOnly(200),
    POST: {
      "create a key": { form: () => ({ intent: "create", label: "matrix" }), answers: affiliatesOnly(200) },
      "ask to revoke the first affiliate's key": { form: (w) => ({ intent: "revoke", id: w.affiliateSpareKeyId }), answers: affiliatesOnly(302) },
      "revoke the first affiliate's key": { form: (w) => ({ intent: "revoke", id: w.affiliateSpareKeyId, confirm: "yes" }), answers: affiliatesOnly(302, 404) },
    },
  },
  "routes/affiliate.disputes._index": { GET: affiliatesOnly(200) },
  "routes/affiliate.disputes.$disputeId": {
    GET: affiliatesOnly(200, 404),
    POST: {
      "contest the first affiliate's return without a note": {
        form: () => ({ intent: "answer", response: "contest" }),
        answers: affiliatesOnly(422, 404),
      },
    },
  },
  "routes/affiliate.inquiries.new": {
    GET: affiliatesOnly(200),
    POST: { "an inquiry without a lead": { form: () => ({ intent: "inquiry", reason: "missing" }), answers: affiliatesOnly(400) } },
  },
  "routes/affiliate.leads._index": { GET: affiliatesOnly(200) },
  "routes/affiliate.leads.$leadId": { GET: affiliatesOnly(200, 404) },
  "routes/affiliate.send-leads": { GET: affiliatesOnly(200) },
  "routes/affiliate.offers._index": { GET: affiliatesOnly(200) },
  "routes/affiliate.conversions": { GET: affiliatesOnly(200) },
  "routes/affiliate.conversions[.]csv": { GET: affiliatesOnly(200) },
  "routes/affiliate.reports": { GET: affiliatesOnly(200) },
  "routes/affiliate.reports[.]csv": { GET: affiliatesOnly(200) },
  "routes/affiliate.earnings": { GET: affiliatesOnly(200) },
  // Setting up payouts sends the affiliate to Stripe's onboarding page (the emulator's, on 127.0.0.1).
  "routes/affiliate.payouts": {
    GET: affiliatesOnly(200),
    POST: { "set up payouts with Stripe": { form: () => ({}), answers: affiliatesOnly("302 http://127.0.0.1:") } },
  },
  "routes/affiliate.payouts.onboarding": { GET: affiliatesOnly("302 http://127.0.0.1:") },
  "routes/affiliate.payouts.$payoutId[.]csv": { GET: affiliatesOnly(200, 404) },
  "routes/affiliate.offers.new": {
    GET: affiliatesOnly(200),
    POST: { "an empty offer": { form: () => ({}), answers: affiliatesOnly(400) } },
  },
  // Resuming an offer that is already live is a conflict for its owner, and no offer at all for anyone else.
  "routes/affiliate.offers.$offerId": {
    GET: affiliatesOnly(200, 404),
    POST: { "resume the first affiliate's live offer": { form: () => ({ status: "ACTIVE" }), answers: affiliatesOnly(409, 404) } },
  },
  "routes/affiliate.offers.$offerId_.edit": {
    GET: affiliatesOnly(200, 404),
    POST: { "an empty offer edit": { form: () => ({}), answers: affiliatesOnly(400) } },
  },
  "routes/affiliate.postbacks": {
    GET: affiliatesOnly(200),
    POST: {
      "save postback settings": {
        form: (w) => ({ intent: "save", postbackUrl: `${w.receiverUrl}/postback?lead={lead_id}`, postbackEvents: "sold" }),
        answers: affiliatesOnly(302),
      },
      "replay the first affiliate's postback": { form: (w) => ({ intent: "replay", deliveryId: w.affiliateDeliveryId }), answers: affiliatesOnly(200, 404) },
      "rotate the signing secret": { form: () => ({ intent: "rotate" }), answers: affiliatesOnly(200) },
    },
  },

  "routes/api.v1.openapi[.]json": { GET: all(200) },
  // GET postback without fields: an affiliate key reaches validation.
  "routes/api.v1.leads": {
    GET: affiliateApi(422),
    POST: { "a test postback to the first affiliate's offer": { form: (w) => validLead(w, { test: "1" }), answers: affiliateApi(200, 403) } },
  },
  "routes/api.v1.leads.$leadId": { GET: api({ affiliate: 200, otherAffiliate: 404, advertiser: 200, otherAdvertiser: 404 }) },
  "routes/api.v1.leads.by-external-id.$externalId": { GET: api({ affiliate: 200, otherAffiliate: 404, advertiser: 404, otherAdvertiser: 404 }) },
  "routes/api.v1.advertiser.leads": { GET: api({ affiliate: 403, otherAffiliate: 403, advertiser: 200, otherAdvertiser: 200 }) },
  // Speed to lead: only the buyer of the first lead marks it contacted (idempotent); anyone else's key finds no such lead.
  "routes/api.v1.advertiser.leads.$leadId.contacted": {
    GET: all(405),
    POST: {
      "mark the first lead contacted": { form: () => ({}), answers: api({ affiliate: 403, otherAffiliate: 403, advertiser: 200, otherAdvertiser: 404 }) },
    },
  },
  // Conversions are the advertiser's: an affiliate key is refused before anything is read. The first
  // lead was bought on CPL terms (409 for its buyer) and not by the other advertiser (403).
  "routes/api.v1.conversions": {
    GET: api({ affiliate: 403, otherAffiliate: 403, advertiser: 422, otherAdvertiser: 422 }),
    POST: {
      "a conversion on the first lead": {
        form: (w) => ({ lead_id: w.leadId, conversion_id: "matrix-1", event: "funded" }),
        answers: api({ affiliate: 403, otherAffiliate: 403, advertiser: 409, otherAdvertiser: 403 }),
      },
    },
  },
  // The pixel always answers its image (a pixel never shows a broken one); without a pixel token the
  // headers say it was refused.
  "routes/api.v1.conversions.pixel": { GET: all(200) },
  // True-ups are the advertiser's: an affiliate key is refused before the body is read; rows sent
  // as text instead of a list are a 422. The report is its advertiser's (and the admin's).
  "routes/api.v1.conversions.true-ups": {
    GET: all(405),
    POST: {
      "a true-up without a list": {
        form: () => ({ period_start: "2026-11-01", period_end: "2026-11-30", rows: "none" }),
        answers: api({ affiliate: 403, otherAffiliate: 403, advertiser: 422, otherAdvertiser: 422 }),
      },
    },
  },
  "routes/api.v1.conversions.true-ups.$trueUpId": { GET: api({ affiliate: 403, otherAffiliate: 403, advertiser: 200, otherAdvertiser: 404 }) },
  "routes/api.v1.returns": {
    GET: api({ affiliate: 403, otherAffiliate: 403, advertiser: 200, otherAdvertiser: 200 }),
    POST: {
      "a return of the first lead": {
        form: (w) => ({ lead_id: w.leadId, reason: "wrong_person" }),
        answers: api({ affiliate: 403, otherAffiliate: 403, advertiser: 409, otherAdvertiser: 404 }),
      },
    },
  },
  // Conversion inquiries and disputes, and a dispute's answer (h-inquiries). The first lead was sold
  // on CPL terms: its seller is told no inquiry is possible (409); the first advertiser's locked
  // conversion was never billed (409). The matrix's dispute is the first advertiser's return of the
  // first lead: the seller answers it, the buyer withdraws it (the last change to it).
  "routes/api.v1.conversion-inquiries": {
    GET: api({ affiliate: 200, otherAffiliate: 200, advertiser: 200, otherAdvertiser: 200 }),
    POST: {
      "an inquiry on the first lead": {
        form: (w) => ({ lead_id: w.leadId, reason: "missing", event: "funded", occurred_at: new Date().toISOString() }),
        answers: api({ affiliate: 409, otherAffiliate: 404, advertiser: 403, otherAdvertiser: 403 }),
      },
    },
  },
  "routes/api.v1.conversion-disputes": {
    GET: all(405),
    POST: {
      "a dispute of the first advertiser's conversion": {
        form: (w) => ({ conversion_id: w.conversionId, reason: "refunded" }),
        answers: api({ affiliate: 403, otherAffiliate: 403, advertiser: 409, otherAdvertiser: 404 }),
      },
    },
  },
  "routes/api.v1.returns.$returnId": { GET: api({ affiliate: 403, otherAffiliate: 403, advertiser: 200, otherAdvertiser: 404 }) },
  "routes/api.v1.disputes.$disputeId": { GET: api({ affiliate: 200, otherAffiliate: 404, advertiser: 200, otherAdvertiser: 404 }) },
  "routes/api.v1.disputes.$disputeId.response": {
    GET: all(405),
    POST: {
      "a contest without a note": {
        form: () => ({ response: "contest" }),
        answers: api({ affiliate: 422, otherAffiliate: 404, advertiser: 403, otherAdvertiser: 404 }),
      },
    },
  },
  "routes/api.v1.disputes.$disputeId.withdraw": {
    GET: all(405),
    POST: {
      "withdraw the first advertiser's return": {
        form: () => ({}),
        answers: api({ affiliate: 403, otherAffiliate: 404, advertiser: 200, otherAdvertiser: 404 }),
      },
    },
  },
  "routes/api.v1.ping": {
    GET: all(405),
    POST: { "a ping on the first affiliate's offer": { form: (w) => ({ offer_id: w.offerId, state: "CA" }), answers: affiliateApi(200, 403) } },
  },
  "routes/api.v1.post": {
    GET: all(405),
    POST: { "a post with a bad bid token": { form: (w) => ({ ...validLead(w), token: "not-a-bid-token" }), answers: affiliateApi(422) } },
  },
  // The Stripe signature is its credential: without one, everyone gets 400.
  "routes/webhooks.stripe": { GET: all(405), POST: { "an unsigned event": { form: () => ({ id: "evt_matrix", object: "event" }), answers: all(400) } } },
  // An advertiser's own Stripe endpoint: the signature made with its secret is the credential.
  "routes/webhooks.stripe_.conversions.$advertiserId": {
    GET: all(405),
    POST: { "an unsigned event": { form: () => ({ id: "evt_matrix", object: "event" }), answers: all(400) } },
  },
};

// ---- the route list, as Remix reads it ---------------------------------------------------------

interface RouteModule {
  id: string;
  /** The URL, with :params. */
  url: string;
  hasLoader: boolean;
  hasAction: boolean;
  isApi: boolean;
}

function routeModules(): RouteModule[] {
  const appDir = path.resolve("app");
  const manifest = flatRoutes(appDir, remixConfig.ignoredRouteFiles ?? []);
  const fullPath = (id: string): string => {
    const route = manifest[id];
    const parent = route.parentId && manifest[route.parentId] ? fullPath(route.parentId) : "";
    return [parent, route.path ?? ""].filter(Boolean).join("/");
  };
  return Object.values(manifest).map((route) => {
    const source = fs.readFileSync(path.join(appDir, route.file), "utf8");
    const exports = (name: string) => new RegExp(`export\\s+(async\\s+)?function\\s+${name}\\b|export\\s+const\\s+${name}\\b`).test(source);
    const url = `/${fullPath(route.id)}`;
    return { id: route.id, url, hasLoader: exports("loader"), hasAction: exports("action"), isApi: /^\/(api|webhooks)\//.test(url) };
  });
}

const ROUTES = routeModules();

/** Pages server.js serves itself, outside Remix: the operators' queue dashboard (bull-board), its page and its JSON API. */
const SERVER_PATHS: Array<{ route: RouteModule; GET: Answers }> = ["/admin/queues", "/admin/queues/api/queues"].map((url) => ({
  route: { id: `server.js ${url}`, url, hasLoader: true, hasAction: false, isApi: false },
  GET: adminOnly(200),
}));

// ---- asking ------------------------------------------------------------------------------------

interface Got {
  status: number;
  location: string | null;
  body: string;
}

function fillParams(url: string, world: World): string {
  return url
    .replace(":leadId", encodeURIComponent(world.leadId))
    .replace(":externalId", encodeURIComponent(world.leadExternalId))
    .replace(":offerId", encodeURIComponent(world.offerId))
    .replace(":companyId", encodeURIComponent(world.affiliateId))
    .replace(":orderId", encodeURIComponent(world.orderId))
    .replace(":payoutId", encodeURIComponent(world.payoutId))
    .replace(":noticeId", encodeURIComponent(world.noticeId))
    .replace(":conversionId", encodeURIComponent(world.conversionId))
    .replace(":uploadId", encodeURIComponent(world.uploadId))
    .replace(":advertiserId", encodeURIComponent(world.stripeEndpointAdvertiserId))
    .replace(":trueUpId", encodeURIComponent(world.trueUpId))
    .replace(":disputeId", encodeURIComponent(world.disputeId))
    .replace(":chargebackId", encodeURIComponent(world.chargebackId))
    .replace(":runId", encodeURIComponent(world.ledgerRunId))
    .replace(":returnId", encodeURIComponent(world.disputeId))
    .replace(":evidenceId", encodeURIComponent(world.evidenceId));
}

async function ask(route: RouteModule, role: Role, world: World, method: "GET" | "POST", form?: Record<string, string>, ownSession = false): Promise<Got> {
  const headers: Record<string, string> = {};
  const cookie = async (signedIn: Exclude<Role, "visitor">) =>
    ownSession ? signIn(stack().appUrl, world.logins[signedIn].email, world.logins[signedIn].password) : world.cookies[signedIn];
  if (route.isApi) {
    if (role === "admin") headers.cookie = await cookie("admin");
    else if (role !== "visitor") headers.authorization = `Bearer ${world.apiKeys[role]}`;
  } else if (role !== "visitor") headers.cookie = await cookie(role);
  let body: string | undefined;
  if (method === "POST") {
    headers.origin = stack().appUrl;
    headers["content-type"] = route.isApi ? "application/json" : "application/x-www-form-urlencoded";
    body = route.isApi ? JSON.stringify(form) : new URLSearchParams(form).toString();
  }
  const response = await fetch(new URL(fillParams(route.url, world), stack().appUrl), { method, headers, body, redirect: "manual" });
  return { status: response.status, location: response.headers.get("location"), body: await response.text() };
}

function matches(expected: Expected, got: Got): boolean {
  return String(expected)
    .split("|")
    .some((alternative) => {
      const [status, target] = alternative.split(" ");
      if (Number(status) !== got.status) return false;
      return target === undefined || (got.location !== null && (got.location === target || got.location.startsWith(target === "/" ? "/?" : target)));
    });
}

const describeGot = (got: Got) => `${got.status}${got.location ? ` ${got.location}` : ""}`;

/** Only the seller, the buyer and the admin may see the sold lead's contact data. */
const MAY_SEE_THE_LEAD: ReadonlySet<Role> = new Set(["affiliate", "advertiser", "admin"]);

async function checkRow(route: RouteModule, world: World, method: "GET" | "POST", answers: Answers, post?: PostCase) {
  const wrong: string[] = [];
  for (const role of ROLES) {
    const got = await ask(route, role, world, method, post?.form(world), post?.ownSession);
    if (!matches(answers[role], got)) wrong.push(`${role}: expected ${answers[role]}, got ${describeGot(got)}`);
    if (!MAY_SEE_THE_LEAD.has(role) && got.body.includes(world.leadEmail))
      wrong.push(`${role}: the answer shows the first affiliate's sold lead (${world.leadEmail})`);
  }
  expect(wrong, `${method} ${route.url} (${route.id})`).toEqual([]);
}

// ---- the accounts and their data ---------------------------------------------------------------

let world: World | undefined;
let receiver: HttpReceiver | undefined;

function theWorld(): World {
  if (!world) throw new Error("the accounts were not made");
  return world;
}

beforeAll(async () => {
  const { appUrl, emulator } = stack();
  receiver = await startHttpReceiver();
  const affiliate = await makeAffiliate();
  const otherAffiliate = await makeAffiliate();
  const advertiser = await makeAdvertiser();
  const otherAdvertiser = await makeAdvertiser();
  const admin = await makeAdmin();
  const offer = await makeOffer(affiliate.actor);
  const order = await makeOrder(advertiser.actor, offer.id, { priceCents: 3000 });
  await prisma.order.update({ where: { id: order.id }, data: { delivery: "WEBHOOK", webhookUrl: `${receiver.url}/crm` } });
  await saveOwnPostbackSettings(affiliate.actor, { postbackUrl: `${receiver.url}/postback?lead={lead_id}`, postbackEvents: ["sold"] });
  const topUp = await fundWallet(advertiser.actor, 10_000, emulator);

  const fields = leadFields();
  const posted = await postLead(appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...fields });
  expect(posted.status).toBe(201);
  const leadId: string = posted.body.lead_id;
  await waitFor("the lead to be sold", async () => (await prisma.lead.findUnique({ where: { id: leadId } }))?.status === "SOLD");
  const advertiserDelivery = await settledDelivery(leadId, "CRM_WEBHOOK");
  const affiliateDelivery = await settledDelivery(leadId, "AFFILIATE_POSTBACK");

  const trueUp = await createTrueUp(advertiser.actor, {
    period: { periodStart: new Date("2026-11-01T00:00:00Z"), periodEnd: new Date("2026-12-01T00:00:00Z"), reference: undefined },
    source: "api",
    fileName: null,
    rows: [readTrueUpRow(1, { conversion_id: "matrix-1" })],
  });
  await waitFor("the true-up to be matched", async () => (await prisma.trueUp.findUnique({ where: { id: trueUp.id } }))?.status === "RECONCILED");

  const affiliateUser = await prisma.user.findUniqueOrThrow({ where: { email: affiliate.email } });
  const sale = await prisma.leadSale.findFirstOrThrow({ where: { leadId } });
  const conversion = await prisma.conversion.create({
    data: {
      advertiserId: advertiser.actor.companyId,
      externalId: "matrix-conversion",
      leadId,
      saleId: sale.id,
      orderId: order.id,
      offerId: offer.id,
      affiliateId: affiliate.actor.companyId,
      kind: "ACTION",
      source: "API",
      event: "funded",
      currency: "usd",
      payoutCents: 0,
      feeCents: 0,
      earningCents: 0,
      terms: { pricingModel: "CPA", currency: "usd", events: [], lockPeriodDays: 14, allowsLockedAdjustments: false },
      reported: {},
      status: "LOCKED",
      occurredAt: new Date(),
      lockAt: new Date(Date.now() - 1000),
      lockedAt: new Date(),
    },
  });
  const upload = await prisma.conversionUpload.create({ data: { advertiserId: advertiser.actor.companyId, fileName: "matrix.csv", status: "DONE" } });
  const dispute = await prisma.dispute.create({
    data: {
      kind: "LEAD_RETURN",
      key: `return:${sale.id}`,
      leadId,
      saleId: sale.id,
      orderId: order.id,
      offerId: offer.id,
      advertiserId: advertiser.actor.companyId,
      affiliateId: affiliate.actor.companyId,
      openedByRole: "ADVERTISER",
      reasonCode: "wrong_person",
      finding: { verdict: "unknown", summary: "matrix", facts: [] },
      responseDueAt: new Date(Date.now() + 3 * 86_400_000),
      evidence: {
        create: { side: "opener", text: "call log", fileName: "call-log.txt", contentType: "text/plain", sizeBytes: 4, content: Buffer.from("ring") },
      },
    },
    include: { evidence: true },
  });
  const chargeback = await prisma.stripeChargeDispute.create({
    data: {
      stripeDisputeId: "du_matrix",
      advertiserId: advertiser.actor.companyId,
      topUpId: topUp.id,
      stripeChargeId: "ch_matrix",
      status: "won",
      reason: "fraudulent",
      amountCents: 10_000,
      currency: "usd",
      ordersResumedAt: new Date(),
    },
  });
  await runLedgerReconciliation("matrix");
  world = {
    chargebackId: chargeback.id,
    ledgerRunId: (await prisma.reconciliationRun.findUniqueOrThrow({ where: { runKey: "matrix" } })).id,
    disputeId: dispute.id,
    evidenceId: dispute.evidence[0].id,
    affiliateId: affiliate.actor.companyId,
    payoutId: (await prisma.payout.create({ data: { affiliateId: affiliate.actor.companyId, amountCents: 5_000, currency: "usd", status: "PAID" } })).id,
    noticeId: (
      await prisma.userNotice.create({
        data: {
          userId: affiliateUser.id,
          kind: "ACCOUNT_LOCKED",
          data: { lockedAt: new Date().toISOString(), lockedUntil: new Date(Date.now() + 900_000).toISOString(), failures: 5, clientAddress: "203.0.113.7" },
        },
      })
    ).id,
    trueUpId: trueUp.id,
    leadId,
    leadExternalId: posted.body.affiliate_lead_id,
    leadEmail: fields.email,
    offerId: offer.id,
    orderId: order.id,
    conversionId: conversion.id,
    uploadId: upload.id,
    affiliateDeliveryId: affiliateDelivery.id,
    advertiserDeliveryId: advertiserDelivery.id,
    affiliateSpareKeyId: (await createApiKey(affiliate.actor, "spare")).id,
    advertiserSpareKeyId: (await createApiKey(advertiser.actor, "spare")).id,
    advertiserRuleId: (await saveOwnConversionRule(advertiser.actor, { name: "Matrix rule", condition: "s1 = matrix", action: { type: "approve" } })).id,
    receiverUrl: receiver.url,
    stripeEndpointAdvertiserId: (
      await prisma.company.update({ where: { id: (await makeAdvertiser()).actor.companyId }, data: { stripeConversionsSecret: "whsec_matrix0000000000" } })
    ).id,
    cookies: {
      affiliate: await signIn(appUrl, affiliate.email, affiliate.password),
      otherAffiliate: await signIn(appUrl, otherAffiliate.email, otherAffiliate.password),
      advertiser: await signIn(appUrl, advertiser.email, advertiser.password),
      otherAdvertiser: await signIn(appUrl, otherAdvertiser.email, otherAdvertiser.password),
      admin: await signIn(appUrl, admin.email, admin.password),
    },
    logins: { affiliate, otherAffiliate, advertiser, otherAdvertiser, admin },
    apiKeys: { affiliate: affiliate.apiKey, otherAffiliate: otherAffiliate.apiKey, advertiser: advertiser.apiKey, otherAdvertiser: otherAdvertiser.apiKey },
  };
});

afterAll(async () => {
  await receiver?.close();
});

// ---- the tests ---------------------------------------------------------------------------------

describe("authorization matrix", () => {
  it("every route module under app/routes has its expected answers in the matrix", () => {
    const problems: string[] = [];
    for (const route of ROUTES) {
      const row = MATRIX[route.id];
      if (!row) {
        problems.push(`add the expected answers for ${route.id} (${route.url}) to the matrix`);
        continue;
      }
      if (route.hasAction && !row.POST) problems.push(`${route.id} exports an action: add the expected POST answers for each intent it reads to the matrix`);
      if (!route.hasAction && row.POST) problems.push(`${route.id} exports no action: remove its POST row from the matrix`);
    }
    for (const id of Object.keys(MATRIX))
      if (!ROUTES.some((r) => r.id === id)) problems.push(`the matrix names ${id}, which is not a route module under app/routes: remove it`);
    expect(problems).toEqual([]);
  });

  describe.each(SERVER_PATHS)("$route.id", ({ route, GET }) => {
    it(`GET ${route.url} answers each role as the matrix says`, async () => {
      await checkRow(route, theWorld(), "GET", GET);
    });
  });

  describe.each(ROUTES.filter((route) => MATRIX[route.id]))("$id", (route) => {
    const row = MATRIX[route.id];
    it(`GET ${route.url} answers each role as the matrix says`, async () => {
      await checkRow(route, theWorld(), "GET", row.GET);
    });
    for (const [intent, post] of Object.entries(row.POST ?? {})) {
      it(`POST ${route.url} (${intent}) answers each role as the matrix says`, async () => {
        await checkRow(route, theWorld(), "POST", post.answers, post);
      });
    }
  });
});
