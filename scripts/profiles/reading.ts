/**
 * ValueSets of the reading layer added after the first build (outside testers' shapes, 2026-11-30): PHQ-9 forms
 * read by their items' linkIds (the German MII form's three linkId schemes), Timing.code frequencies, and the
 * vital-signs panel that carries BP components. First written by hand in fhir-profiles/ValueSet/ and defined
 * here so the build reproduces them instead of deleting them; each code keeps the verification, source and
 * ordinal it was committed with.
 */
import type { ProfileDef } from './types.js';

export const READING_DEFS: ProfileDef[] = [
  {
    slug: 'phq9-questionnaire-item9',
    title: 'PHQ-9 item 9 by Questionnaire linkId',
    purpose:
      "RC-17: PHQ-9 item 9 (LOINC 44260-8) of Questionnaires that name it by their own linkId. A QuestionnaireResponse item is coded here by its Questionnaire's canonical (the system) and its linkId (the code), for PHQ-9 forms whose linkIds are not LOINC codes (the German MII PRO module). Not an Observation code: never searched for.",
    source: 'revision-2 DS-2',
    date: '2026-11-30',
    codes: [
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq2i',
        display: 'MII PRO PHQ-9 item 9 (LOINC 44260-8)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq9-q09',
        display: 'MII PRO PHQ-9 item 9 (LOINC 44260-8)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'PHQ-9.9',
        display: 'MII PRO PHQ-9 item 9 (LOINC 44260-8)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
    ],
  },
  {
    slug: 'phq9-questionnaire-items',
    title: 'PHQ-9 items 1 to 9 by Questionnaire linkId',
    purpose:
      "DS-2: the nine PHQ-9 items of Questionnaires that name them by their own linkIds; the total is their sum when no total is answered. A QuestionnaireResponse item is coded here by its Questionnaire's canonical (the system) and its linkId (the code), for PHQ-9 forms whose linkIds are not LOINC codes (the German MII PRO module). Not an Observation code: never searched for.",
    source: 'revision-2 DS-2',
    date: '2026-11-30',
    codes: [
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq2a',
        display: 'MII PRO PHQ-9 item 1 (LOINC 44250-9)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq9-q01',
        display: 'MII PRO PHQ-9 item 1 (LOINC 44250-9)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'PHQ-9.1',
        display: 'MII PRO PHQ-9 item 1 (LOINC 44250-9)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq2b',
        display: 'MII PRO PHQ-9 item 2 (LOINC 44255-8)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq9-q02',
        display: 'MII PRO PHQ-9 item 2 (LOINC 44255-8)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'PHQ-9.2',
        display: 'MII PRO PHQ-9 item 2 (LOINC 44255-8)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq2c',
        display: 'MII PRO PHQ-9 item 3 (LOINC 44259-0)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq9-q03',
        display: 'MII PRO PHQ-9 item 3 (LOINC 44259-0)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'PHQ-9.3',
        display: 'MII PRO PHQ-9 item 3 (LOINC 44259-0)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq2d',
        display: 'MII PRO PHQ-9 item 4 (LOINC 44254-1)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq9-q04',
        display: 'MII PRO PHQ-9 item 4 (LOINC 44254-1)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'PHQ-9.4',
        display: 'MII PRO PHQ-9 item 4 (LOINC 44254-1)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq2e',
        display: 'MII PRO PHQ-9 item 5 (LOINC 44251-7)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq9-q05',
        display: 'MII PRO PHQ-9 item 5 (LOINC 44251-7)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'PHQ-9.5',
        display: 'MII PRO PHQ-9 item 5 (LOINC 44251-7)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq2f',
        display: 'MII PRO PHQ-9 item 6 (LOINC 44258-2)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq9-q06',
        display: 'MII PRO PHQ-9 item 6 (LOINC 44258-2)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'PHQ-9.6',
        display: 'MII PRO PHQ-9 item 6 (LOINC 44258-2)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq2g',
        display: 'MII PRO PHQ-9 item 7 (LOINC 44252-5)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq9-q07',
        display: 'MII PRO PHQ-9 item 7 (LOINC 44252-5)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'PHQ-9.7',
        display: 'MII PRO PHQ-9 item 7 (LOINC 44252-5)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq2h',
        display: 'MII PRO PHQ-9 item 8 (LOINC 44253-3)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq9-q08',
        display: 'MII PRO PHQ-9 item 8 (LOINC 44253-3)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'PHQ-9.8',
        display: 'MII PRO PHQ-9 item 8 (LOINC 44253-3)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq2i',
        display: 'MII PRO PHQ-9 item 9 (LOINC 44260-8)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq9-q09',
        display: 'MII PRO PHQ-9 item 9 (LOINC 44260-8)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'PHQ-9.9',
        display: 'MII PRO PHQ-9 item 9 (LOINC 44260-8)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
    ],
  },
  {
    slug: 'phq9-questionnaire-total',
    title: 'PHQ-9 total by Questionnaire linkId',
    purpose:
      "EL-4: the PHQ-9 total score (LOINC 44261-6) item of Questionnaires that name it by their own linkId. A QuestionnaireResponse item is coded here by its Questionnaire's canonical (the system) and its linkId (the code), for PHQ-9 forms whose linkIds are not LOINC codes (the German MII PRO module). Not an Observation code: never searched for.",
    source: 'revision-2 DS-2',
    date: '2026-11-30',
    codes: [
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'phq-phq9-score-total',
        display: 'MII PRO PHQ-9 total score (LOINC 44261-6)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
      {
        system: 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9',
        code: 'PHQ-9.Score',
        display: 'MII PRO PHQ-9 total score (LOINC 44261-6)',
        verification: 'verified',
        source:
          'medizininformatik-initiative/kerndatensatzmodul-proms: input/fsh/definitions/phq-9/mii-qst-pro-phq-9.fsh (linkIds PHQ-9.1 to PHQ-9.9 and PHQ-9.Score in its first versions), ConceptMap mii-cm-pro-phq-9-linkid-migration.fsh (phq-phq9-q01..q09 before 2026.5.0, phq-phq2a..i since), input/fsh/examples/mii-exa-pro-phq-9-response.fsh (phq-phq9-score-total)',
      },
    ],
  },
  {
    slug: 'timing-frequency-per-day',
    title: 'Timing codes and the administrations a day each states',
    purpose:
      "EL-2.1, EL-2.8: Timing.code values read as a frequency when Timing.repeat gives none (FHIR R4 Timing.code: 'a complete statement of whatever is specified in the structured timing data', except that repeat.bounds still applies). Each concept's ordinalValue is the number of administrations a day it states (QOD 0.5, WK 1/7); MO (monthly) is left out: no antidepressant dose is read from it.",
    source: 'HL7 FHIR R4 Timing; revision-2 EL-2.1',
    date: '2026-11-30',
    codes: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'QD',
        display: 'Every day',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 1,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'BID',
        display: 'Two times a day',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 2,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'TID',
        display: 'Three times a day',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 3,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'QID',
        display: 'Four times a day',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 4,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'AM',
        display: 'Every morning',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 1,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'PM',
        display: 'Every afternoon',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 1,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'BED',
        display: 'At bedtime',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 1,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'QOD',
        display: 'Every other day',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 0.5,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'Q1H',
        display: 'Every hour',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 24,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'Q2H',
        display: 'Every 2 hours',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 12,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'Q3H',
        display: 'Every 3 hours',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 8,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'Q4H',
        display: 'Every 4 hours',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 6,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'Q6H',
        display: 'Every 6 hours',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 4,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'Q8H',
        display: 'Every 8 hours',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 3,
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
        code: 'WK',
        display: 'Weekly',
        verification: 'verified',
        source: 'HL7 FHIR R4 ValueSet timing-abbreviation (http://hl7.org/fhir/ValueSet/timing-abbreviation), codes of v3-GTSAbbreviation',
        ordinal: 0.14285714285714285,
      },
      {
        system: 'http://snomed.info/sct',
        code: '229797004',
        display: 'Once daily (qualifier value)',
        verification: 'verified',
        source:
          'SNOMED CT frequency qualifier values, as Oracle Health (Cerner) R4 MedicationRequest.dosageInstruction.timing.code sends them beside GTS QD (public SMART app test of Cerner MedicationRequests); also in CQL code libraries (Twice a day 229799001, Three times daily 229798009)',
        ordinal: 1,
      },
      {
        system: 'http://snomed.info/sct',
        code: '229799001',
        display: 'Twice a day (qualifier value)',
        verification: 'verified',
        source:
          'SNOMED CT frequency qualifier values, as Oracle Health (Cerner) R4 MedicationRequest.dosageInstruction.timing.code sends them beside GTS QD (public SMART app test of Cerner MedicationRequests); also in CQL code libraries (Twice a day 229799001, Three times daily 229798009)',
        ordinal: 2,
      },
      {
        system: 'http://snomed.info/sct',
        code: '229798009',
        display: 'Three times daily (qualifier value)',
        verification: 'verified',
        source:
          'SNOMED CT frequency qualifier values, as Oracle Health (Cerner) R4 MedicationRequest.dosageInstruction.timing.code sends them beside GTS QD (public SMART app test of Cerner MedicationRequests); also in CQL code libraries (Twice a day 229799001, Three times daily 229798009)',
        ordinal: 3,
      },
      {
        system: 'http://snomed.info/sct',
        code: '307439001',
        display: 'Four times daily (qualifier value)',
        verification: 'verified',
        source:
          'SNOMED CT frequency qualifier values, as Oracle Health (Cerner) R4 MedicationRequest.dosageInstruction.timing.code sends them beside GTS QD (public SMART app test of Cerner MedicationRequests); also in CQL code libraries (Twice a day 229799001, Three times daily 229798009)',
        ordinal: 4,
      },
    ],
  },
  {
    slug: 'vital-signs-panel',
    title: 'Vital signs panel',
    purpose: 'DS-1: a vital-signs panel whose systolic and diastolic components are a blood pressure reading, read as a BP panel is (CI-6, RC-5, EL-5).',
    source: 'revision-2 DS-1',
    date: '2026-11-30',
    codes: [
      {
        system: 'http://loinc.org',
        code: '8716-3',
        display: 'Vital signs',
        verification: 'verified',
        source: 'LOINC 8716-3 Vital signs; HL7 FHIR R4 Vital Signs profile (vitalsigns panel code), its members or components the individual vital signs',
      },
    ],
  },
];
