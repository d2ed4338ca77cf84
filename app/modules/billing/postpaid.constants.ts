export const INVOICE_COLLECTIONS = ["CHARGE_AUTOMATICALLY", "SEND_INVOICE"] as const;
export type InvoiceCollectionValue = (typeof INVOICE_COLLECTIONS)[number];

export const INVOICE_COLLECTION_LABELS: Record<InvoiceCollectionValue, string> = {
  CHARGE_AUTOMATICALLY: "Charge the saved card automatically",
  SEND_INVOICE: "Send the invoice to pay within N days",
};
