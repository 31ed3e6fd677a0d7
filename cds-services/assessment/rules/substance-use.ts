/**
 * Substance use (revision-2 section 6): CI-3 at the absolute level, RC-2 below it. "Cannabis use,
 * unspecified" is a reason to assess misuse risk, not a reason never to order esketamine.
 */
import { VS } from '../concepts.js';
import { asIndicator, met, notMet, settledBy, type Outcome } from '../findings.js';
import type { IndexedCondition, RecordIndex } from '../record.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import type { Thresholds } from '../thresholds.js';
import { KETAMINES, byConditions, conditionName, refs, unknownBecause } from './common.js';

/** Active conditions at the absolute level in force (SUD_ABSOLUTE_LEVEL). */
function absoluteLevel(index: RecordIndex, thresholds: Thresholds): IndexedCondition[] {
  const level = thresholds.safety.sudAbsoluteLevel.value;
  if (level === 'none') return [];
  const found = new Set([...index.activeConditions(VS.substanceDependence), ...index.activeConditions(VS.substanceUseAnyLevelAbsolute)]);
  if (level === 'any') for (const c of index.activeConditions(VS.substanceAbuseOrUnspecifiedUse)) found.add(c);
  return [...found];
}

/**
 * CI-3 Substance use disorder at the absolute level
 * Trigger: any hook.
 * Inclusion: an active condition, not in remission, at dependence level for any substance but
 * nicotine (F1x.2x except x.21; DS-3 list A), or at any level for hallucinogens (incl. PCP and
 * ketamine, F16) and sedative-hypnotics (F13) (SUD_ABSOLUTE_LEVEL = dependence, the default).
 * Exclusion: remission codes and inactive conditions (RC-2); abuse-level or unspecified use (RC-2).
 * Outcome: found -> IV ketamine and esketamine contraindicated; TMS is not concerned (RC-6 covers withdrawal).
 * Source: S1 (active SUD absolute); S4; SPRAVATO PI 5.3, 9.2. The level is a local policy.
 */
export const CI3 = defineRule({
  id: 'CI-3',
  title: 'Substance dependence',
  kind: 'absolute',
  absoluteFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  sourceFor: { 'iv-ketamine': SOURCES.ketalarLabel },
  evaluate: ({ index, thresholds }) => {
    const found = absoluteLevel(index, thresholds);
    const ketamine = found.some((c) => index.knowledge.terminology.inConcept(c.resource.code, VS.ketamineMisuse));
    const names = [...new Set(found.map((c) => conditionName(c, index)))].slice(0, 2).join('; ');
    return byConditions(index, found, ketamine ? `Ketamine misuse or dependence is recorded (${names}).` : `Substance dependence is recorded (${names}).`);
  },
});

/**
 * RC-2 Substance misuse below the absolute level
 * Trigger: any hook.
 * Inclusion: active abuse-level or unspecified use (F1x.1x, F1x.9x not in remission, nicotine
 * excluded; DS-3 list B) -> warning: assess misuse risk before starting (prescription-monitoring
 * review, urine drug screen). In remission (x.11, x.21, x.91; DS-3 list C) or inactive -> information.
 * Exclusion: conditions CI-3 found.
 * Source: SPRAVATO PI 5.3 (assess risk before prescribing; monitor); S4.
 */
export const RC2 = defineRule({
  id: 'RC-2',
  title: 'Substance misuse',
  kind: 'relative',
  cautionFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  sourceFor: { 'iv-ketamine': SOURCES.ketalarLabel },
  evaluate: ({ index, thresholds }): Outcome => {
    const absolute = new Set(absoluteLevel(index, thresholds));
    const current = index.activeConditions(VS.substanceAbuseOrUnspecifiedUse).filter((c) => !absolute.has(c));
    if (current.length) {
      const names = [...new Set(current.map((c) => conditionName(c, index)))].slice(0, 2).join('; ');
      return settledBy(
        met(
          refs(current),
          `Substance use recorded (${names}): assess misuse risk before starting, with a prescription-monitoring review and a urine drug screen.`,
        ),
        'order-pdmp-review',
        'order-urine-drug-screen',
      );
    }
    const inactive = (url: string) => index.conditions(url).filter((c) => !c.active && !absolute.has(c));
    const history = [
      ...index.conditions(VS.substanceUseInRemission),
      ...index.conditions(VS.substanceUseRemissionHistory),
      ...inactive(VS.substanceDependence),
      ...inactive(VS.substanceUseAnyLevelAbsolute),
      ...inactive(VS.substanceAbuseOrUnspecifiedUse),
    ].filter((c) => !absolute.has(c));
    if (history.length) return asIndicator(met(refs(history), 'History of substance use disorder: monitor for misuse.'), 'info');
    return unknownBecause({ conditions: index.record.conditions }) ?? notMet();
  },
});

export const SUBSTANCE_USE_RULES = [CI3, RC2];
