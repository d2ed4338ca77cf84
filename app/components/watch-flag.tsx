import type { WatchFlag } from "~/modules/reconciliation/reconciliation.schema";
import { formatDate, formatDateTime } from "./format";

/** The figures behind an under-reporting flag, in words an admin can check. */
export function watchFlagText(flag: WatchFlag): string {
  if (flag.kind === "low_rate") {
    const against =
      flag.baseline === "peers"
        ? `the median of ${flag.peers.length} other orders on the offer (${flag.peers.map((p) => `${p.advertiserName}: ${p.converted} of ${p.delivered}`).join("; ")})`
        : `the offer's previous period (${flag.history?.converted ?? 0} of ${flag.history?.delivered ?? 0})`;
    return (
      `${flag.converted} of ${flag.delivered} leads converted (${flag.ratePct}%) against ${flag.baselineRatePct}%, ${against}; ` +
      `${flag.expectedConversions} expected; chance of so few: ${flag.pValue}. Leads delivered ${formatDate(flag.cohort.from)} to ${formatDate(flag.cohort.to)}.`
    );
  }
  const last = flag.lastConversionAt ? formatDateTime(flag.lastConversionAt) : "—";
  return (
    `Conversions on ${flag.activeDays} of ${flag.baselineDays} days (${flag.baselineConversions} in all), none since ${last} ` +
    `while ${flag.leadsWhileQuiet} leads were delivered in the last ${flag.quietDays} days (about ${flag.expectedWhileQuiet} conversions expected).`
  );
}

export function WatchFlagFigures({ flag }: { flag: WatchFlag }) {
  return (
    <p className="small" data-testid="flag-figures">
      {watchFlagText(flag)}
    </p>
  );
}
