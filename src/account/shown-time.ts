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

export function shownTime(time: Date | number): ShownTime {
  const date = new Date(time);
  return { iso: date.toISOString(), text: `${TIME_FORMAT.format(date)} UTC` };
}
