export const TEMPERATURES = ["COLD", "WARM", "HOT"] as const;
export type TemperatureValue = (typeof TEMPERATURES)[number];
