import type Stripe from "stripe";
import { getStripe } from "~/modules/billing/stripe.server";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";

// Affiliates are paid through Stripe Connect Express accounts: Leadex creates the account,
// Stripe's hosted onboarding collects what it needs, and `account.updated` (or a re-read when the
// affiliate comes back from onboarding) says whether payouts are enabled and what is still due.

export const ONBOARDING_RETURN_PATH = "/affiliate/payouts?onboarding=return";
export const ONBOARDING_REFRESH_PATH = "/affiliate/payouts/onboarding";

/** The URL of Stripe's hosted onboarding for the affiliate (creating its Express account first). */
export async function startPayoutOnboarding(actor: Actor, email: string | null): Promise<string> {
  requirePermission(actor, "write:payout-account:own");
  const stripe = getStripe();
  const company = await prisma.company.findUniqueOrThrow({ where: { id: actor.companyId } });
  let accountId = company.stripeAccountId;
  if (!accountId) {
    const account = await stripe.accounts.create(
      {
        type: "express",
        country: "US",
        ...(email ? { email } : {}),
        capabilities: { transfers: { requested: true } },
        business_profile: { name: company.name },
        metadata: { leadex_company_id: company.id },
      },
      { idempotencyKey: `leadex:connect-account:${company.id}` },
    );
    // Two tabs racing get the same account from Stripe (same idempotency key); either write is the same.
    await prisma.company.update({ where: { id: company.id }, data: { stripeAccountId: account.id } });
    await applyConnectAccount(prisma, account);
    accountId = account.id;
  }
  const appUrl = getEnv().APP_URL;
  const link = await stripe.accountLinks.create({
    account: accountId,
    type: "account_onboarding",
    return_url: new URL(ONBOARDING_RETURN_PATH, appUrl).href,
    refresh_url: new URL(ONBOARDING_REFRESH_PATH, appUrl).href,
  });
  return link.url;
}

/** Stores what Stripe says of a connected account on its company (no-op for an unknown account). */
export async function applyConnectAccount(db: Tx | Db, account: Stripe.Account): Promise<boolean> {
  const updated = await db.company.updateMany({
    where: { stripeAccountId: account.id },
    data: {
      payoutsEnabled: account.payouts_enabled === true && account.capabilities?.transfers === "active",
      stripeRequirementsDue: [...(account.requirements?.currently_due ?? []), ...(account.requirements?.past_due ?? [])].filter(
        (v, i, all) => all.indexOf(v) === i,
      ),
      stripeDisabledReason: account.requirements?.disabled_reason ?? null,
    },
  });
  return updated.count > 0;
}

/** Re-reads the affiliate's account from Stripe (when it comes back from onboarding). */
export async function refreshOwnConnectAccount(actor: Actor): Promise<void> {
  requirePermission(actor, "read:earning:own");
  const company = await prisma.company.findUniqueOrThrow({ where: { id: actor.companyId }, select: { stripeAccountId: true } });
  if (!company.stripeAccountId) return;
  await applyConnectAccount(prisma, await getStripe().accounts.retrieve(company.stripeAccountId));
}

/** Stripe's requirement names in words an affiliate understands ("individual.dob.day" → "date of birth"). */
export function describeRequirement(requirement: string): string {
  const known: Array<[RegExp, string]> = [
    [/^external_account$/, "a bank account for payouts"],
    [/^tos_acceptance\./, "accepting Stripe's terms of service"],
    [/dob\./, "date of birth"],
    [/ssn_last_4|id_number/, "tax identification number"],
    [/address\./, "address"],
    [/^business_profile\.(url|product_description)$/, "your website or a description of your business"],
    [/^business_profile\.mcc$/, "your business category"],
    [/first_name|last_name/, "legal name"],
    [/email/, "email address"],
    [/phone/, "phone number"],
    [/verification\.document/, "an identity document"],
  ];
  return known.find(([pattern]) => pattern.test(requirement))?.[1] ?? requirement.replace(/[._]/g, " ");
}

/** The distinct, readable things Stripe still needs from the affiliate. */
export function describeRequirements(requirements: string[]): string[] {
  return [...new Set(requirements.map(describeRequirement))];
}
