/**
 * Who did a step of a lead's or a submission's history, as a clerk reads it: the unit and its
 * 经办人 (示范村 经办人, 鹿城镇 经办人), never the login name (demo-village means nothing to a
 * village clerk); 系统 for steps no person made (an import).
 */
import { defineStrings, pick, type Locale } from './i18n';

const ACTOR_STRINGS = defineStrings({
  staff: { zh: '{unit} 经办人', en: '{unit} staff' },
  system: { zh: '系统', en: 'system' },
});

export interface HistoryActor {
  userName: string | null;
  /** Absent from servers older than the unit names in histories. */
  unitName?: string | null;
}

export function actorText(entry: HistoryActor, locale: Locale): string {
  if (entry.unitName) return pick(ACTOR_STRINGS.staff, locale, { unit: entry.unitName });
  if (entry.userName === null) return pick(ACTOR_STRINGS.system, locale);
  return entry.userName; // an older server: the login name is all there is
}
