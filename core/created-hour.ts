const HOUR_MS = 3_600_000;

/**
 * The UTC hour a record was created in, `YYYY-MM-DDTHH`: what retention
 * deletes by. FerretDB 1.24 hands only plain equalities to its store, so a
 * sweep by `createdAt: {$lt}` reads every row; one by `createdHour` equality
 * reads the hour it deletes. These strings sort as the hours they name.
 */
export function createdHourOf(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/** The hour after `hour`. */
export function hourAfter(hour: string): string {
  return createdHourOf(new Date(Date.parse(`${hour}:00:00.000Z`) + HOUR_MS));
}
