import { dispatchLeadDeliveries } from "~/modules/deliveries/outbound.server";
import { prisma } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors";
import { formatMoney } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { handleForm } from "~/utils/route-errors.server";
import { decideConversion } from "./conversion-decisions.server";
import { reportConversion } from "./conversion-intake.server";
import { conversionCorrectionFormSchema, conversionDecisionFormSchema } from "./conversion-list.schema";

// The forms of the advertiser's conversion pages: approve, reject with a reason, and (on a
// conversion's own page) a reversal or a new sale amount sent through the same intake as the API.
// Every answer says what happened: `{ done: { conversionId, message } }` or the form's errors.

export interface ConversionFormDone {
  done: { conversionId: string; message: string };
}

/** Handles one submitted conversion form for the signed-in advertiser. */
export async function submitConversionForm(actor: Actor, form: FormData) {
  const intent = form.get("intent");
  if (intent === "reversal" || intent === "amount_change") return submitCorrection(actor, form);
  return handleForm(
    form,
    conversionDecisionFormSchema,
    async (data) => {
      const { conversion, message } = await decideConversion(actor, data.conversionId, data.intent, data.reason);
      return { done: { conversionId: conversion.id, message } } satisfies ConversionFormDone;
    },
    { formError: "Choose approve or reject; a rejection needs a reason." },
  );
}

async function submitCorrection(actor: Actor, form: FormData) {
  return handleForm(form, conversionCorrectionFormSchema, async ({ intent, conversionId, amount, reason, reversalId }) => {
    const before = await prisma.conversion.findFirst({ where: { id: conversionId, advertiserId: actor.companyId } });
    if (!before) throw new NotFoundError("Conversion");
    // A correction names the advertiser's own conversion id, as the API does; it records no source.
    const record: Record<string, string> = { type: intent, conversion_id: before.externalId };
    if (amount) record.amount = amount;
    if (reason) record.reason = reason;
    if (intent === "reversal" && reversalId) record.reversal_id = reversalId;
    const answer = await reportConversion(actor, record, "API");
    const after = await prisma.conversion.findUniqueOrThrow({ where: { id: before.id } });
    await dispatchLeadDeliveries(after.leadId);
    const money = (cents: number) => formatMoney(cents, after.currency);
    const was = before.payoutCents - before.reversedPayoutCents;
    const now = after.payoutCents - after.reversedPayoutCents;
    let message: string;
    if (answer.body.duplicate_request === true) message = "That correction was already recorded: nothing changed.";
    else if (intent === "reversal") {
      const back = before.journalEntryId ? `${money(was - now)} back to your wallet` : "it had not been billed yet, so nothing was charged";
      message =
        after.status === "REVERSED"
          ? `Conversion ${after.externalId} reversed: ${back}.`
          : `Conversion ${after.externalId} partly reversed: ${back}; it now costs ${money(now)}.`;
    } else message = `Sale ${after.externalId} changed to ${money(after.saleAmountCents ?? 0)}: its payout is now ${money(now)} (was ${money(was)}).`;
    return { done: { conversionId: after.id, message } } satisfies ConversionFormDone;
  });
}
