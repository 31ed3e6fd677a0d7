import type { RuleSource } from './findings.js';

/** The published sources rules cite; each card's `source` is one of these. */
export const SOURCES = {
  spravatoLabel: {
    label: 'SPRAVATO (esketamine) prescribing information',
    url: 'https://www.janssenlabels.com/package-insert/product-monograph/prescribing-information/SPRAVATO-pi.pdf',
  },
  spravatoRems: { label: 'SPRAVATO REMS', url: 'https://www.spravatorems.com/' },
  ketalarLabel: { label: 'Ketalar (ketamine) US label', url: 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=ketalar' },
  swissmedicKetamine: { label: 'Swissmedic ketamine Fachinformation (BP > 180/100)', url: 'https://ch.oddb.org/en/gcc/fachinfo/reg/67199' },
  tmsDeviceRule: {
    label: '21 CFR 882.5805 (rTMS special controls) / device IFU',
    url: 'https://www.ecfr.gov/current/title-21/chapter-I/subchapter-H/part-882/subpart-F/section-882.5805',
  },
  ifcnTmsSafety: {
    label: 'IFCN TMS safety guidelines (Rossi et al., Clin Neurophysiol 2009; update 2021)',
    url: 'https://doi.org/10.1016/j.clinph.2020.10.003',
  },
  medicareTmsLcd: { label: 'Medicare LCD L34998 (TMS)', url: 'https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=34998' },
  trdDefinition: { label: 'TRD definition consensus, Depress Anxiety 2021;38:456', url: 'https://doi.org/10.1002/da.23135' },
  ketamineConsensus: { label: 'Sanacora et al., ketamine consensus, JAMA Psychiatry 2017', url: 'https://doi.org/10.1001/jamapsychiatry.2017.0080' },
  combinationProtocol: { label: 'Best et al., TMS with ketamine, Heliyon 2019', url: 'https://doi.org/10.1016/j.heliyon.2019.e02187' },
  hypertensionGuideline: { label: '2017 ACC/AHA high blood pressure guideline', url: 'https://doi.org/10.1161/HYP.0000000000000065' },
  phq9: { label: 'PHQ-9 (Kroenke 2001); CMS159 remission', url: 'https://doi.org/10.1046/j.1525-1497.2001.016009606.x' },
  maudsleyStaging: {
    label: 'Maudsley Staging Method (Fekadu et al., BMC Psychiatry 2018;18:100)',
    url: 'https://pubmed.ncbi.nlm.nih.gov/?term=Fekadu+Donocik+Cleare+Maudsley+staging+2018',
  },
  ectGuidelines: {
    label: 'APA practice guideline for MDD (2010); APA ECT task force report (2001)',
    url: 'https://psychiatryonline.org/pb/assets/raw/sitewide/practice_guidelines/guidelines/mdd.pdf',
  },
  cdsHooksOrderSelect: {
    label: 'CDS Hooks 2.0 order-select: selections reference resources in draftOrders',
    url: 'https://cds-hooks.org/hooks/order-select/',
  },
  cdsHooksOrderSign: { label: 'CDS Hooks 2.0 order-sign: draftOrders are for the patient in context', url: 'https://cds-hooks.org/hooks/order-sign/' },
  cssrs: { label: 'Columbia Suicide Severity Rating Scale (LOINC 93245-9)', url: 'https://loinc.org/93245-9' },
} as const satisfies Record<string, RuleSource>;
