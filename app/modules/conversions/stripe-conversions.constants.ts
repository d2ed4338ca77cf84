/** The metadata key that names the Leadex lead: on the invoice, its subscription or its customer. */
export const LEAD_METADATA_KEY = "leadex_lead_id";
