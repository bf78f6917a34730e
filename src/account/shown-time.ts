import { memoize } from '../web/memoize';

/** A moment as a page shows it: readable text, and the exact time for `<time datetime>`. */
export interface ShownTime {
  iso: string;
  text: string;
}

// The server does not know the reader's time zone: UTC, said so. app.js shows local time.
const TIME_FORMAT = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/** The pages show the same sessions' and events' times on every view: each is formatted once. */
const shownAt = memoize((ms: number): ShownTime => {
  const date = new Date(ms);
  return Object.freeze({ iso: date.toISOString(), text: `${TIME_FORMAT.format(date)} UTC` });
}, 10_000);

export function shownTime(time: Date | number): ShownTime {
  return shownAt(typeof time === 'number' ? time : time.getTime());
}
