import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface WeekFigures {
  /** Monday of the ISO week (UTC), YYYY-MM-DD. */
  week: string;
  shown: number;
  accepted: number;
  overridden: number;
  ignored: number;
  overrideRate: number | null;
}

export interface RuleFigures extends Omit<WeekFigures, 'week'> {
  ruleId: string;
  indicator: string;
  topOverrideReasons: { code: string; count: number }[];
  suggestions: { offered: number; accepted: number; acceptanceRate: number | null };
  weeks: WeekFigures[];
}

export interface OverrideReport {
  from: string;
  to: string;
  rules: RuleFigures[];
  /** Feedback items in the range whose card this service never issued (counted, never joined). */
  unmatchedFeedback: number;
}

const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 1000) / 1000 : null);
const NO_RULE = '(no rule)';

/**
 * Override analytics over the ledger: per rule id and indicator, cards shown, accepted,
 * overridden (the latest matched feedback of each card decides), ignored (no feedback), the
 * override rate (overridden / shown), the top override reasons and suggestion acceptance
 * (accepted suggestion uuids that the card really offered / suggestions offered), in total and
 * by ISO week (UTC). A card made by several rules counts once under each. `to` is exclusive.
 */
export async function overrideReport(db: Kysely<Database>, from: Date, to: Date): Promise<OverrideReport> {
  const cards = sql`
    select c.card_uuid, c.indicator, r.rule_id, date_trunc('week', c.shown_at at time zone 'UTC')::date as week
    from ledger_card c
    cross join lateral unnest(case when cardinality(c.rule_ids) = 0 then array[${NO_RULE}]::text[] else c.rule_ids end) as r(rule_id)
    where c.shown_at >= ${from} and c.shown_at < ${to}`;
  const latest = sql`
    select distinct on (card_uuid) card_uuid, outcome, override_code
    from feedback where matched order by card_uuid, outcome_at desc, id desc`;

  const weekly = await sql<{ rule_id: string; indicator: string; week: string; shown: number; accepted: number; overridden: number }>`
    with cards as (${cards}), latest as (${latest})
    select k.rule_id, k.indicator, to_char(k.week, 'YYYY-MM-DD') as week,
      count(*)::int as shown,
      (count(*) filter (where l.outcome = 'accepted'))::int as accepted,
      (count(*) filter (where l.outcome = 'overridden'))::int as overridden
    from cards k left join latest l on l.card_uuid = k.card_uuid
    group by 1, 2, 3 order by 1, 2, 3`.execute(db);

  const reasons = await sql<{ rule_id: string; indicator: string; code: string; n: number }>`
    with cards as (${cards}), latest as (${latest})
    select k.rule_id, k.indicator, coalesce(l.override_code, '(none given)') as code, count(*)::int as n
    from cards k join latest l on l.card_uuid = k.card_uuid
    where l.outcome = 'overridden'
    group by 1, 2, 3 order by 1, 2, 4 desc, 3`.execute(db);

  const suggestions = await sql<{ rule_id: string; indicator: string; offered: number; accepted: number }>`
    with cards as (${cards}),
    accepted as (
      select distinct f.card_uuid, s.suggestion_uuid
      from feedback f cross join lateral unnest(f.accepted_suggestions) as s(suggestion_uuid)
      where f.matched
    )
    select k.rule_id, k.indicator, count(s.suggestion_uuid)::int as offered, count(a.suggestion_uuid)::int as accepted
    from cards k
    join ledger_suggestion s on s.card_uuid = k.card_uuid
    left join accepted a on a.card_uuid = s.card_uuid and a.suggestion_uuid = s.suggestion_uuid
    group by 1, 2`.execute(db);

  const unmatched = await db
    .selectFrom('feedback')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('matched', '=', false)
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
    .executeTakeFirst();

  const byRule = new Map<string, RuleFigures>();
  const keyOf = (r: { rule_id: string; indicator: string }) => `${r.rule_id}\u0000${r.indicator}`;
  for (const w of weekly.rows) {
    let f = byRule.get(keyOf(w));
    if (!f) {
      f = {
        ruleId: w.rule_id,
        indicator: w.indicator,
        shown: 0,
        accepted: 0,
        overridden: 0,
        ignored: 0,
        overrideRate: null,
        topOverrideReasons: [],
        suggestions: { offered: 0, accepted: 0, acceptanceRate: null },
        weeks: [],
      };
      byRule.set(keyOf(w), f);
    }
    const ignored = w.shown - w.accepted - w.overridden;
    f.weeks.push({ week: w.week, shown: w.shown, accepted: w.accepted, overridden: w.overridden, ignored, overrideRate: rate(w.overridden, w.shown) });
    f.shown += w.shown;
    f.accepted += w.accepted;
    f.overridden += w.overridden;
    f.ignored += ignored;
  }
  for (const r of reasons.rows) {
    const f = byRule.get(keyOf(r));
    if (f && f.topOverrideReasons.length < 5) f.topOverrideReasons.push({ code: r.code, count: Number(r.n) });
  }
  for (const s of suggestions.rows) {
    const f = byRule.get(keyOf(s));
    if (f) f.suggestions = { offered: s.offered, accepted: s.accepted, acceptanceRate: rate(s.accepted, s.offered) };
  }
  const rules = [...byRule.values()];
  for (const f of rules) f.overrideRate = rate(f.overridden, f.shown);
  return { from: from.toISOString(), to: to.toISOString(), rules, unmatchedFeedback: Number(unmatched?.n ?? 0) };
}
