import type { SessionCalendarSpec } from './sessionCalendar.ts'

/**
 * Built-in exchange calendars. Times are exchange-local (America/Chicago for CME Globex).
 * Holidays are not listed: a holiday shows up as a gap, which validation reports under `gaps`.
 *
 * CME equity index futures (ES, MES, NQ, MNQ) traded Sun 17:00 – Fri 16:15 CT with a 15:15–15:30
 * halt and a 16:15–17:00 maintenance break until the June 2021 change to the current
 * Sun 17:00 – Fri 16:00 CT with a daily 16:00–17:00 break. The 2013 samples in data/samples show
 * exactly those old halts (20:15–20:30 and 21:15–22:00 UTC).
 * COMEX metals (GC, MGC) likewise closed at 16:15 CT in 2013 (the sample's 21:15–22:00 UTC break);
 * today they break 16:00–17:00 CT. The switch date used for metals is the same as for equities —
 * an approximation: bars in a period the calendar calls closed are reported, never dropped silently.
 */
const CME_2021_CHANGE = '2021-06-27'

export const CME_EQUITY: SessionCalendarSpec = {
  name: 'cme_equity',
  timeZone: 'America/Chicago',
  eras: [
    {
      until: CME_2021_CHANGE,
      weekly: { open: { day: 0, time: '17:00' }, close: { day: 5, time: '16:15' } },
      breaks: [
        { start: '15:15', end: '15:30' },
        { start: '16:15', end: '17:00' },
      ],
    },
    {
      weekly: { open: { day: 0, time: '17:00' }, close: { day: 5, time: '16:00' } },
      breaks: [{ start: '16:00', end: '17:00' }],
    },
  ],
}

export const CME_METALS: SessionCalendarSpec = {
  name: 'cme_metals',
  timeZone: 'America/Chicago',
  eras: [
    {
      until: CME_2021_CHANGE,
      weekly: { open: { day: 0, time: '17:00' }, close: { day: 5, time: '16:15' } },
      breaks: [{ start: '16:15', end: '17:00' }],
    },
    {
      weekly: { open: { day: 0, time: '17:00' }, close: { day: 5, time: '16:00' } },
      breaks: [{ start: '16:00', end: '17:00' }],
    },
  ],
}

export const CME_FX: SessionCalendarSpec = {
  name: 'cme_fx',
  timeZone: 'America/Chicago',
  eras: [
    {
      weekly: { open: { day: 0, time: '17:00' }, close: { day: 5, time: '16:00' } },
      breaks: [{ start: '16:00', end: '17:00' }],
    },
  ],
}

export const CRYPTO_24X7: SessionCalendarSpec = {
  name: 'crypto_24x7',
  timeZone: 'UTC',
  eras: [{ weekly: null, breaks: [] }],
}

export const BUILTIN_CALENDARS: Record<string, SessionCalendarSpec> = {
  cme_equity: CME_EQUITY,
  cme_metals: CME_METALS,
  cme_fx: CME_FX,
  crypto_24x7: CRYPTO_24X7,
}
