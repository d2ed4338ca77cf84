export const FIELD_RULE_OPERATORS = ["eq", "neq", "in", "not_in", "gte", "lte", "contains", "exists"] as const;
export type FieldRuleOperator = (typeof FIELD_RULE_OPERATORS)[number];
export const FIELD_RULE_OPERATOR_LABELS: Record<FieldRuleOperator, string> = {
  eq: "is",
  neq: "is not",
  in: "is one of",
  not_in: "is none of",
  gte: "is at least",
  lte: "is at most",
  contains: "contains",
  exists: "is present",
};

/** Zones offered in the order form; any IANA zone that Intl knows is accepted. */
export const COMMON_TIME_ZONES = [
  "UTC",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Phoenix",
  "America/Los_Angeles",
  "America/Anchorage",
  "Pacific/Honolulu",
  "America/Toronto",
  "America/Mexico_City",
  "America/Sao_Paulo",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Tokyo",
  "Australia/Sydney",
] as const;

/** ISO weekdays: 1 = Monday … 7 = Sunday. */
export const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

export const DELIVERY_METHODS = ["PORTAL", "CSV_PULL", "WEBHOOK"] as const;
export type DeliveryMethodValue = (typeof DELIVERY_METHODS)[number];
export const DELIVERY_METHOD_LABELS: Record<DeliveryMethodValue, string> = {
  PORTAL: "In the portal",
  CSV_PULL: "CSV export and pull API",
  WEBHOOK: "Webhook to my CRM",
};

export const ORDER_STATUSES = ["OPEN", "PAUSED", "CLOSED"] as const;
export type OrderStatusValue = (typeof ORDER_STATUSES)[number];

/** Where an order may go from each status: OPEN and PAUSED swap; either closes; CLOSED is final. */
export const ORDER_STATUS_TRANSITIONS: Readonly<Record<OrderStatusValue, readonly OrderStatusValue[]>> = {
  OPEN: ["PAUSED", "CLOSED"],
  PAUSED: ["OPEN", "CLOSED"],
  CLOSED: [],
};

export function canChangeOrderStatus(from: OrderStatusValue, to: OrderStatusValue): boolean {
  return ORDER_STATUS_TRANSITIONS[from].includes(to);
}

/** The order form's price input for each temperature. */
export const TEMPERATURE_PRICE_INPUTS = { HOT: "priceHot", WARM: "priceWarm", COLD: "priceCold" } as const;

/** How many field-rule rows the order form shows. */
export const ORDER_FORM_RULE_ROWS = 3;

/** What the person is told after changing an order's status. */
export const ORDER_STATUS_CHANGED: Record<OrderStatusValue, string> = {
  OPEN: "Order resumed: it buys leads again.",
  PAUSED: "Order paused: it buys no leads until you resume it.",
  CLOSED: "Order closed. It buys no more leads; the leads it bought stay yours.",
};

/** Whether a status change still needs the person's confirmation (closing is final). */
export function needsConfirmation(change: { status: OrderStatusValue; confirm?: "yes" }): boolean {
  return change.status === "CLOSED" && change.confirm !== "yes";
}
