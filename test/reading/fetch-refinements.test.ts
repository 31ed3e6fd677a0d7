/**
 * What the service adds to its own FHIR queries (issue 14): a date floor on the Observation search, from
 * the thresholds, so a long record does not page through decades of vitals, and `_include` of the
 * Medications a medication search references. The advertised prefetch templates stay CDS Hooks 2.0 templates.
 */
import { describe, expect, it } from 'vitest';
import { checkPrefetchTemplate } from '../../src/cds-hooks/prefetch-template.js';
import { SAFETY_VITAL_SIGNS } from '../../cds-services/assessment/concepts.js';
import { trdFetchRefinements, trdPrefetch } from '../../cds-services/assessment/prefetch.js';
import { loadThresholds } from '../../cds-services/assessment/thresholds.js';
import { knowledge, realServices } from '../helpers/knowledge.js';

const thresholds = loadThresholds();
const floorDays = thresholds.reading.observationSearchFloorDays.value;

describe('the Observation date floor', () => {
  it('is the configured number of days before the call, as a FHIR date with the ge prefix', () => {
    const refinements = trdFetchRefinements(thresholds)(new Date('2026-11-29T23:00:00Z'));
    const floor = new Date(Date.parse('2026-11-29T23:00:00Z') - floorDays * 86_400_000).toISOString().slice(0, 10);
    expect(refinements['observations']).toBe(`&date=ge${floor}`);
    expect(refinements['questionnaireResponses']).toBe(`&authored=ge${floor}`);
  });

  it('is worked out once a day: calls of the same day share one object, the next day gets a new floor', () => {
    const refine = trdFetchRefinements(thresholds);
    const morning = refine(new Date('2026-11-29T01:00:00Z'));
    expect(refine(new Date('2026-11-29T22:00:00Z'))).toBe(morning);
    expect(refine(new Date('2026-11-30T01:00:00Z'))['observations']).not.toBe(morning['observations']);
  });

  it('covers the longest look-back the rules read observations over', () => {
    const t = thresholds;
    const trialScores = t.adequateTrial.episodeLookbackMonths.value * 31 + t.attempts.baselineBeforeDays.value + t.failure.scoreWindowAfterTrialDays.value;
    const priorCourses = t.lookbackDays.priorCourse.value + t.courses.baselineWindowDays.value;
    const lookbacks = Object.values(t.lookbackDays).map((s) => s.value);
    expect(floorDays).toBeGreaterThanOrEqual(Math.max(trialScores, priorCourses, ...lookbacks, t.safety.lactationLookbackDays.value));
  });

  it('asks the medication searches to include the Medications they reference', () => {
    const refinements = trdFetchRefinements(thresholds)(new Date('2026-11-29T00:00:00Z'));
    expect(refinements).toMatchObject({
      medicationStatements: '&_include=MedicationStatement:medication',
      medicationRequests: '&_include=MedicationRequest:medication',
      medicationDispenses: '&_include=MedicationDispense:medication',
      medicationAdministrations: '&_include=MedicationAdministration:medication',
    });
  });
});

describe('the advertised prefetch templates', () => {
  it.each(realServices().map((s) => [s.id, s] as const))('%s: valid CDS Hooks 2.0 templates, with no literal date', (_id, service) => {
    for (const template of Object.values(service.prefetch)) {
      expect(checkPrefetchTemplate(service.hook, template)).toEqual([]);
      expect(template).not.toMatch(/date=|\d{4}-\d{2}-\d{2}/);
    }
  });
});

describe('the vital signs the safety checks read are the ones the prefetch asks for', () => {
  // One list (SAFETY_VITAL_SIGNS) feeds both: a vital sign whose preliminary readings the record reads is never left out of the search.
  it.each(SAFETY_VITAL_SIGNS.map((url) => [url.split('/').pop()!, url]))('%s', (_name, url) => {
    const { terminology } = knowledge();
    const observations = trdPrefetch(terminology)['observations']!;
    const codes = terminology.codes(url).map((c) => `${c.system}|${c.code}`);
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(observations).toContain(code);
  });
});
