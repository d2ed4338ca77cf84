// Wall-clock time in an IANA time zone with the built-in Intl API: which weekday and minute it is
// for the buyer, and the instants their hour, day and month began (for caps).

export interface ZonedClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  hour: number;
  minute: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      weekday: "short",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function zonedClock(at: Date, timeZone: string): ZonedClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS[parts.weekday],
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** The instant a wall-clock time in `timeZone` happens (the later guess wins inside a DST gap). */
function instantOfWallClock(year: number, month: number, day: number, timeZone: string): Date {
  const wanted = Date.UTC(year, month - 1, day);
  let guess = wanted;
  // Two corrections settle the zone's offset, including on days the offset changes.
  for (let i = 0; i < 2; i++) {
    const clock = zonedClock(new Date(guess), timeZone);
    const seen = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute);
    guess += wanted - seen;
  }
  return new Date(guess);
}

export function startOfZonedHour(now: Date, timeZone: string): Date {
  const clock = zonedClock(now, timeZone);
  // Zones differ from UTC by whole minutes, so the hour began `minute` minutes and the seconds ago.
  return new Date(now.getTime() - clock.minute * 60_000 - (now.getTime() % 60_000));
}

export function startOfZonedDay(now: Date, timeZone: string): Date {
  const clock = zonedClock(now, timeZone);
  return instantOfWallClock(clock.year, clock.month, clock.day, timeZone);
}

export function startOfZonedMonth(now: Date, timeZone: string): Date {
  const clock = zonedClock(now, timeZone);
  return instantOfWallClock(clock.year, clock.month, 1, timeZone);
}
