import { idDate } from "./central-time.js";
import { isProvisionalId, nextSeriesIndex, provisionalSeriesId, seriesId } from "./notice-id.js";
import type { IncidentRow, NoticeStore } from "./notice-store.js";

/**
 * When a series gets its id (docs/notices.md, "Notice ids"): a new series starts provisional
 * (`SMT-M-(provisional-7)`), and the first time one of its notices is marked sent it gets its
 * fixed id `SMT-M-<letter><MMDDYY>`: MMDDYY is that send's date in the notices' zone, the letter
 * the first not yet used by a series fixed on that date, so series that start the same day get
 * A, B, … in the order their first notices are sent. Every notice of the series is renamed with
 * it (series-rename.ts). NN stays the notice's place in the series.
 */
export interface SeriesNaming {
  idPrefix: string;
  audience: string;
  timeZone: string;
}

/** A series id no real series has: held for the moment between an incident's insert and its provisional id. */
const UNNAMED_SERIES = "(unnamed)";

/** Inserts an incident with its provisional series id. Call inside a store transaction. */
export function insertProvisionalIncident(store: NoticeStore, naming: SeriesNaming, fields: Omit<IncidentRow, "id" | "series_id">): IncidentRow {
  const inserted = store.insertIncident({ ...fields, series_id: UNNAMED_SERIES });
  const series_id = provisionalSeriesId(naming.idPrefix, naming.audience, inserted.id);
  store.updateIncident(inserted.id, { series_id });
  return { ...inserted, series_id };
}

/**
 * Fixes the series id of an incident whose notice was just marked sent at `sentAt`, if it is
 * still provisional. Returns the renamed notice ids (none when the id was already fixed). Call
 * inside the transaction that marks the notice sent.
 */
export function fixSeriesId(store: NoticeStore, incidentId: number, sentAt: number, naming: SeriesNaming): { from: string; to: string }[] {
  const incident = store.incident(incidentId);
  if (!incident || !isProvisionalId(incident.series_id)) return [];
  const mmddyy = idDate(sentAt, naming.timeZone);
  const index = nextSeriesIndex(store.seriesIdsOn(`${naming.idPrefix}${naming.audience}`, mmddyy), naming.idPrefix, naming.audience, mmddyy);
  return store.renameSeries(incidentId, incident.series_id, seriesId(naming.idPrefix, naming.audience, mmddyy, index), sentAt);
}
