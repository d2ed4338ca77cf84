// US ZIP code geography without network lookups: the first three digits of a ZIP (its sectional
// centre) belong to one state, give or take a few shared prefixes that accept several.

/** [first ZIP3, last ZIP3, states] — ranges from the USPS ZIP3 allocation, compacted. */
const ZIP3_RANGES: ReadonlyArray<readonly [number, number, readonly string[]]> = [
  [5, 5, ["NY"]],
  [6, 9, ["PR", "VI"]],
  [10, 27, ["MA"]],
  [28, 29, ["RI"]],
  [30, 38, ["NH"]],
  [39, 49, ["ME"]],
  [50, 54, ["VT"]],
  [55, 55, ["MA"]],
  [56, 59, ["VT"]],
  [60, 69, ["CT"]],
  [70, 89, ["NJ"]],
  [90, 99, ["AE"]],
  [100, 149, ["NY"]],
  [150, 196, ["PA"]],
  [197, 199, ["DE"]],
  [200, 200, ["DC"]],
  [201, 201, ["VA", "DC"]],
  [202, 205, ["DC"]],
  [206, 219, ["MD"]],
  [220, 246, ["VA"]],
  [247, 268, ["WV"]],
  [270, 289, ["NC"]],
  [290, 299, ["SC"]],
  [300, 319, ["GA"]],
  [320, 339, ["FL"]],
  [340, 340, ["AA"]],
  [341, 349, ["FL"]],
  [350, 369, ["AL"]],
  [370, 385, ["TN"]],
  [386, 397, ["MS"]],
  [398, 399, ["GA"]],
  [400, 427, ["KY"]],
  [430, 459, ["OH"]],
  [460, 479, ["IN"]],
  [480, 499, ["MI"]],
  [500, 528, ["IA"]],
  [530, 549, ["WI"]],
  [550, 567, ["MN"]],
  [569, 569, ["DC"]],
  [570, 577, ["SD"]],
  [580, 588, ["ND"]],
  [590, 599, ["MT"]],
  [600, 629, ["IL"]],
  [630, 658, ["MO"]],
  [660, 679, ["KS"]],
  [680, 693, ["NE"]],
  [700, 714, ["LA"]],
  [716, 729, ["AR"]],
  [730, 732, ["OK"]],
  [733, 733, ["TX"]],
  [734, 749, ["OK"]],
  [750, 799, ["TX"]],
  [800, 816, ["CO"]],
  [820, 831, ["WY"]],
  [832, 838, ["ID"]],
  [840, 847, ["UT"]],
  [850, 865, ["AZ"]],
  [870, 884, ["NM"]],
  [885, 885, ["TX"]],
  [889, 898, ["NV"]],
  [900, 961, ["CA"]],
  [962, 966, ["AP"]],
  [967, 968, ["HI"]],
  [969, 969, ["GU", "MP", "AS"]],
  [970, 979, ["OR"]],
  [980, 994, ["WA"]],
  [995, 999, ["AK"]],
];

/** The states a US ZIP code (5 digits, optionally ZIP+4) can belong to, or null when unknown. */
export function statesForUsZip(postalCode: string): readonly string[] | null {
  const match = /^(\d{3})\d{2}(-?\d{4})?$/.exec(postalCode.replace(/\s+/g, ""));
  if (!match) return null;
  const zip3 = Number(match[1]);
  const range = ZIP3_RANGES.find(([from, to]) => zip3 >= from && zip3 <= to);
  return range ? range[2] : null;
}

/** The one state a US ZIP code lies in, or null when it is unknown or shared by several states. */
export function stateForUsZip(postalCode: string): string | null {
  const states = statesForUsZip(postalCode);
  return states?.length === 1 ? states[0] : null;
}
