// The try-it page: builds a CDS Hooks 2.0 request from synthetic key facts and a draft order, calls this
// service's own hooks as an EHR would, shows the cards (rendered by the service's one card renderer),
// applies accepted suggestions to the draft, sends feedback and calls the hook again.
// Plain browser JavaScript, no build step. Synthetic data only: it never sends fhirServer or a token.
/* global document, location, CSS -- a browser script: these are the page's globals */

const DAY = 86_400_000;
const PATIENT = 'p1';
const SUBJECT = { reference: `Patient/${PATIENT}` };
const SYS = {
  icd: 'http://hl7.org/fhir/sid/icd-10-cm',
  sct: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  rx: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  cpt: 'http://www.ama-assn.org/go/cpt',
  ucum: 'http://unitsofmeasure.org',
  clinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
};
const FORM_DRAFT_IDS = [
  'MedicationRequest/draft-ketamine',
  'MedicationRequest/draft-esketamine',
  'ServiceRequest/draft-tms',
  'MedicationRequest/draft-lisinopril',
];

const $ = (id) => document.getElementById(id);
const state = {
  data: null,
  services: {},
  example: null,
  drafts: [],
  lastResponse: null,
  lastServiceId: '',
  calls: 0,
  feedback: [],
  suggestionSeq: 0,
  bySuggestion: new Map(),
};

// ---------- dates: the examples' record is relative to data.clock; move it to today ----------
const DATE_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
function shiftDates(value, ms) {
  if (Array.isArray(value)) return value.map((v) => shiftDates(v, ms));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftDates(v, ms)]));
  if (typeof value === 'string' && DATE_RE.test(value)) {
    const t = new Date(value.length === 10 ? `${value}T00:00:00Z` : value).getTime() + ms;
    return value.length === 10 ? new Date(t).toISOString().slice(0, 10) : new Date(t).toISOString();
  }
  return value;
}
const daysAgo = (n) => new Date(Date.now() - n * DAY).toISOString();
const cc = (system, code, display) => ({ coding: [{ system, code, ...(display ? { display } : {}) }] });
const num = (id) => {
  const v = $(id).value.trim();
  return v === '' ? null : Number(v);
};

// ---------- key facts <-> form ----------
function readFacts() {
  const drug = $('med-drug').value;
  return {
    age: num('age') ?? 45,
    sex: $('sex').value,
    weightKg: num('weightKg'),
    systolic: num('systolic'),
    diastolic: num('diastolic'),
    pregnancy: $('pregnancy').value,
    diagnosis: $('diagnosis').value,
    medication: drug ? { rxcui: drug, mgPerDay: num('med-mg') ?? 0, startDaysAgo: num('med-start') ?? 180, endDaysAgo: num('med-end') } : null,
  };
}
function writeFacts(f) {
  $('age').value = f.age;
  $('sex').value = f.sex;
  $('weightKg').value = f.weightKg ?? '';
  $('systolic').value = f.systolic ?? '';
  $('diastolic').value = f.diastolic ?? '';
  $('pregnancy').value = f.pregnancy;
  $('diagnosis').value = f.diagnosis;
  $('med-drug').value = f.medication?.rxcui ?? '';
  $('med-mg').value = f.medication?.mgPerDay ?? '';
  $('med-start').value = f.medication?.startDaysAgo ?? '';
  $('med-end').value = f.medication?.endDaysAgo ?? '';
}
function readDraft() {
  return {
    kind: $('draft-kind').value,
    mg: num('draft-mg') ?? 0,
    minutes: num('draft-minutes'),
    perWeek: num('draft-perweek') ?? 2,
    withTms: $('draft-tms').checked,
  };
}
function writeDraft(d) {
  $('draft-kind').value = d.kind;
  $('draft-mg').value = d.mg || '';
  $('draft-minutes').value = d.minutes || '';
  $('draft-perweek').value = d.perWeek || '';
  $('draft-tms').checked = d.withTms;
  showDraftFields();
}
function showDraftFields() {
  const kind = $('draft-kind').value;
  for (const el of document.querySelectorAll('[data-for]')) el.hidden = !el.dataset.for.split(' ').includes(kind);
}

// ---------- facts -> FHIR resources (the shapes an EHR sends) ----------
function factResources(f) {
  const birth = new Date(Date.now() - 30 * DAY);
  birth.setUTCFullYear(birth.getUTCFullYear() - f.age);
  const out = [{ resourceType: 'Patient', id: PATIENT, gender: f.sex, birthDate: birth.toISOString().slice(0, 10) }];
  const observation = (id, code, days, value) => ({
    resourceType: 'Observation',
    id,
    status: 'final',
    subject: SUBJECT,
    code,
    effectiveDateTime: daysAgo(days),
    ...value,
  });
  if (f.weightKg !== null)
    out.push(
      observation('fact-weight', cc(SYS.loinc, '29463-7', 'Body weight'), 5, {
        valueQuantity: { value: f.weightKg, unit: 'kg', system: SYS.ucum, code: 'kg' },
      }),
    );
  if (f.systolic !== null && f.diastolic !== null) {
    out.push(
      observation('fact-bp', cc(SYS.loinc, '85354-9', 'Blood pressure panel'), 2, {
        component: [
          { code: cc(SYS.loinc, '8480-6', 'Systolic blood pressure'), valueQuantity: { value: f.systolic, unit: 'mmHg', system: SYS.ucum, code: 'mm[Hg]' } },
          { code: cc(SYS.loinc, '8462-4', 'Diastolic blood pressure'), valueQuantity: { value: f.diastolic, unit: 'mmHg', system: SYS.ucum, code: 'mm[Hg]' } },
        ],
      }),
    );
  }
  const pregnancy = {
    'not-pregnant': [cc(SYS.loinc, '82810-3', 'Pregnancy status'), cc(SYS.sct, '60001007', 'Not pregnant')],
    pregnant: [cc(SYS.loinc, '82810-3', 'Pregnancy status'), cc(SYS.sct, '77386006', 'Pregnant')],
    'hcg-negative': [cc(SYS.loinc, '2106-3', 'hCG urine'), cc(SYS.sct, '260385009', 'Negative')],
    'hcg-positive': [cc(SYS.loinc, '2106-3', 'hCG urine'), cc(SYS.sct, '10828004', 'Positive')],
  }[f.pregnancy];
  if (pregnancy) out.push(observation('fact-pregnancy', pregnancy[0], 3, { valueCodeableConcept: pregnancy[1] }));
  if (f.diagnosis) {
    out.push({
      resourceType: 'Condition',
      id: 'fact-diagnosis',
      subject: SUBJECT,
      clinicalStatus: cc(SYS.clinical, 'active'),
      code: cc(SYS.icd, f.diagnosis, state.data.choices.diagnoses[f.diagnosis]),
      onsetDateTime: daysAgo(400),
    });
  }
  const m = f.medication;
  if (m) {
    out.push({
      resourceType: 'MedicationStatement',
      id: 'fact-medication',
      subject: SUBJECT,
      status: m.endDaysAgo === null ? 'active' : 'completed',
      medicationCodeableConcept: cc(SYS.rx, m.rxcui, state.data.choices.antidepressants[m.rxcui]),
      effectivePeriod: { start: daysAgo(m.startDaysAgo), ...(m.endDaysAgo === null ? {} : { end: daysAgo(m.endDaysAgo) }) },
      dosage: [
        {
          timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
          doseAndRate: [{ doseQuantity: { value: m.mgPerDay, unit: 'mg', system: SYS.ucum, code: 'mg' } }],
        },
      ],
    });
  }
  return out;
}

// ---------- draft order form -> FHIR draft orders ----------
function draftResources(d, f) {
  const reason = f.diagnosis ? { reasonCode: [cc(SYS.icd, f.diagnosis, state.data.choices.diagnoses[f.diagnosis])] } : {};
  const base = (resourceType, id) => ({ resourceType, id, status: 'draft', intent: 'order', subject: SUBJECT, authoredOn: new Date().toISOString() });
  const mg = (value) => ({ doseQuantity: { value, unit: 'mg', system: SYS.ucum, code: 'mg' } });
  const tms = () => ({
    ...base('ServiceRequest', 'draft-tms'),
    authoredOn: undefined,
    code: { ...cc(SYS.cpt, '90867', 'Therapeutic repetitive transcranial magnetic stimulation (TMS), initial'), text: 'TMS course' },
    occurrenceTiming: { repeat: { frequency: 5, period: 1, periodUnit: 'wk', count: 36 } },
    ...reason,
  });
  const out = [];
  if (d.kind === 'ketamine-iv') {
    out.push({
      ...base('MedicationRequest', 'draft-ketamine'),
      medicationCodeableConcept: { ...cc(SYS.rx, '6130', 'ketamine'), text: 'ketamine injection' },
      ...reason,
      dosageInstruction: [
        {
          text: `${d.mg} mg IV over ${d.minutes ?? '?'} min, 3 times a week`,
          route: cc(SYS.sct, '47625008', 'Intravenous route'),
          timing: { repeat: { frequency: 3, period: 1, periodUnit: 'wk', count: 6, ...(d.minutes ? { duration: d.minutes, durationUnit: 'min' } : {}) } },
          doseAndRate: [mg(d.mg)],
        },
      ],
    });
  } else if (d.kind === 'esketamine') {
    out.push({
      ...base('MedicationRequest', 'draft-esketamine'),
      medicationCodeableConcept: { ...cc(SYS.rx, '2201625', 'Spravato'), text: `Spravato ${d.mg} mg` },
      ...reason,
      dosageInstruction: [
        {
          text: `${d.mg} mg intranasal, ${d.perWeek} times a week`,
          route: cc(SYS.sct, '46713006', 'Nasal route'),
          timing: { repeat: { frequency: d.perWeek, period: 1, periodUnit: 'wk', count: d.perWeek * 4 } },
          doseAndRate: [mg(d.mg)],
        },
      ],
    });
  } else if (d.kind === 'tms') {
    out.push(tms());
  } else if (d.kind === 'unrelated') {
    out.push({ ...base('MedicationRequest', 'draft-lisinopril'), medicationCodeableConcept: cc(SYS.rx, '314076', 'Lisinopril 10 MG Oral Tablet') });
  }
  if (d.withTms && d.kind !== 'tms') out.push(tms());
  return out.map((r) => JSON.parse(JSON.stringify(r)));
}

const refOf = (r) => `${r.resourceType}/${r.id}`;

/** The form's drafts replace the form's earlier drafts; orders added from suggestions stay. */
function rebuildDrafts() {
  const added = state.drafts.filter((r) => !FORM_DRAFT_IDS.includes(refOf(r)));
  for (const ref of FORM_DRAFT_IDS) state.bySuggestion.delete(ref);
  state.drafts = [...draftResources(readDraft(), readFacts()), ...added];
  showDrafts();
}
function showDrafts() {
  const items = state.drafts.map((r) => {
    const how = state.bySuggestion.get(refOf(r));
    const own = how ? ` <span class="own">(${how} by a suggestion)</span>` : '';
    return `<li data-ref="${escapeText(refOf(r))}">${escapeText(describe(r))}${own}</li>`;
  });
  $('drafts').innerHTML = items.length ? `<strong>In the draft (${items.length}):</strong><ul>${items.join('')}</ul>` : '<em>No draft orders.</em>';
}
function describe(r) {
  const name =
    r.medicationCodeableConcept?.text ??
    r.medicationCodeableConcept?.coding?.[0]?.display ??
    r.code?.text ??
    r.code?.coding?.[0]?.display ??
    r.code?.coding?.[0]?.code ??
    r.resourceType;
  const dose = r.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity;
  const minutes = r.dosageInstruction?.[0]?.timing?.repeat?.duration;
  return `${r.resourceType}/${r.id}: ${name}${dose ? `, ${dose.value} ${dose.unit ?? dose.code ?? ''}` : ''}${minutes ? ` over ${minutes} min` : ''}`;
}
function escapeText(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// ---------- the hook call ----------
function bundle(resources) {
  return { resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) };
}
function prefetchFor(resources) {
  const prefetch = {};
  for (const [key, types] of Object.entries(state.data.prefetchKeys)) {
    prefetch[key] =
      key === 'patient' ? (resources.find((r) => r.resourceType === 'Patient') ?? null) : bundle(resources.filter((r) => types.includes(r.resourceType)));
  }
  return prefetch;
}
function currentHook() {
  return document.querySelector('input[name=hook]:checked')?.value ?? 'patient-view';
}
function buildRequest(hook) {
  const record = [...factResources(readFacts()), ...state.example.record];
  const context = { userId: 'Practitioner/try-it', patientId: PATIENT };
  if (hook !== 'patient-view') {
    context.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: state.drafts.map((resource) => ({ resource })) };
    if (hook === 'order-select') context.selections = state.drafts.map(refOf);
  }
  return { hook, hookInstance: crypto.randomUUID(), context, prefetch: prefetchFor(record) };
}

async function callHook() {
  const hook = currentHook();
  const serviceId = state.services[hook];
  const request = buildRequest(hook);
  $('request').textContent = `POST /cds-services/${serviceId}\n\n${JSON.stringify(request, null, 2)}`;
  const started = performance.now();
  let status = 0;
  let body;
  try {
    const res = await fetch(`/cds-services/${encodeURIComponent(serviceId)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    status = res.status;
    body = await res.json();
  } catch (err) {
    body = { error: String(err) };
  }
  const ms = Math.round(performance.now() - started);
  state.calls += 1;
  $('response').textContent = `HTTP ${status}\n\n${JSON.stringify(body, null, 2)}`;
  const ok = status === 200 && Array.isArray(body?.cards);
  state.lastResponse = ok ? body : null;
  state.lastServiceId = serviceId;
  if (ok) await showCards(body.cards);
  else $('cards').innerHTML = '';
  const el = $('status');
  el.classList.toggle('error', !ok);
  el.textContent = ok
    ? `Call ${state.calls}: ${hook} answered in ${ms} ms with ${body.cards.length} card${body.cards.length === 1 ? '' : 's'}.`
    : `Call ${state.calls}: ${hook} failed with HTTP ${status}: ${body?.issue?.[0]?.diagnostics ?? body?.message ?? body?.error ?? 'see the response'}`;
  el.dataset.calls = String(state.calls);
}

async function showCards(cards) {
  const res = await fetch('/try/render', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cards }) });
  // The renderer escapes everything it is given: its HTML is safe to insert.
  $('cards').innerHTML = res.ok ? await res.text() : '<p class="status error">The cards could not be rendered.</p>';
}

// ---------- suggestions and feedback, as an EHR does them ----------
function applyAction(action) {
  if (action.type === 'create' && action.resource) {
    const r = structuredClone(action.resource);
    if (!r.id) r.id = `suggested-${++state.suggestionSeq}`;
    state.drafts.push(r);
    state.bySuggestion.set(refOf(r), 'added');
  } else if (action.type === 'update' && action.resource) {
    const r = structuredClone(action.resource);
    const i = state.drafts.findIndex((d) => refOf(d) === refOf(r));
    if (i >= 0) state.drafts[i] = r;
    else state.drafts.push(r);
    state.bySuggestion.set(refOf(r), 'changed');
    syncDraftForm(r);
  } else if (action.type === 'delete' && action.resourceId) {
    const id = String(action.resourceId);
    state.drafts = state.drafts.filter((d) => refOf(d) !== id && d.id !== id);
  }
}
/** An accepted update to the form's own draft shows in the form (dose, infusion time). */
function syncDraftForm(r) {
  if (!FORM_DRAFT_IDS.includes(refOf(r))) return;
  const dosage = r.dosageInstruction?.[0];
  const dose = dosage?.doseAndRate?.[0]?.doseQuantity?.value;
  if (typeof dose === 'number') $('draft-mg').value = dose;
  const minutes = dosage?.timing?.repeat?.duration;
  if (typeof minutes === 'number' && dosage.timing.repeat.durationUnit === 'min') $('draft-minutes').value = minutes;
}

async function sendFeedback(entry) {
  const body = { feedback: [{ ...entry, outcomeTimestamp: new Date().toISOString() }] };
  let status = 0;
  try {
    const res = await fetch(`/cds-services/${encodeURIComponent(state.lastServiceId)}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    status = res.status;
  } catch {
    /* shown as status 0 */
  }
  state.feedback.push({ status, body });
  $('feedback-count').textContent = String(state.feedback.length);
  $('feedback-log').textContent = state.feedback
    .map((f) => `POST /cds-services/${state.lastServiceId}/feedback -> HTTP ${f.status}\n${JSON.stringify(f.body, null, 2)}`)
    .join('\n\n');
}

async function acceptSuggestion(cardUuid, suggestionUuid) {
  const card = state.lastResponse?.cards.find((c) => c.uuid === cardUuid);
  const suggestion = card?.suggestions?.find((s) => s.uuid === suggestionUuid);
  if (!card || !suggestion) return;
  for (const action of suggestion.actions ?? []) applyAction(action);
  showDrafts();
  await sendFeedback({ card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: suggestion.uuid }] });
  await callHook();
}

async function dismissCard(cardUuid) {
  const card = state.lastResponse?.cards.find((c) => c.uuid === cardUuid);
  if (!card) return;
  const select = document.querySelector(`select[data-override-reasons][data-card-uuid="${CSS.escape(cardUuid)}"]`);
  const [system, code] = (select?.value ?? '').split('|');
  await sendFeedback({ card: card.uuid, outcome: 'overridden', ...(code ? { overrideReason: { reason: { system, code } } } : {}) });
  document.querySelector(`.cds-card[data-card-uuid="${CSS.escape(cardUuid)}"]`)?.classList.add('cds-card--dismissed');
}

// ---------- wiring ----------
function loadExample(id) {
  state.example = shiftDates(
    state.data.examples.find((e) => e.id === id),
    Date.now() - new Date(state.data.clock).getTime(),
  );
  $('example-note').textContent = state.example.note;
  writeFacts(state.example.facts);
  writeDraft(state.example.draft);
  for (const r of document.querySelectorAll('input[name=hook]')) r.checked = r.value === state.example.hook;
  state.drafts = [];
  state.bySuggestion.clear();
  rebuildDrafts();
}

function option(value, label) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

async function start() {
  const [data, discovery] = await Promise.all([fetch('/try/examples.json').then((r) => r.json()), fetch('/cds-services').then((r) => r.json())]);
  state.data = data;
  for (const s of discovery.services ?? []) state.services[s.hook] = s.id;
  const groups = { readme: 'README samples', contraindication: 'Absolute contraindications', unknown: 'Common unknowns' };
  for (const [group, label] of Object.entries(groups)) {
    const g = document.createElement('optgroup');
    g.label = label;
    for (const e of data.examples.filter((x) => x.group === group)) g.append(option(e.id, e.title));
    $('example').append(g);
  }
  $('diagnosis').append(option('', '(none)'), ...Object.entries(data.choices.diagnoses).map(([code, name]) => option(code, `${code} ${name}`)));
  $('med-drug').append(option('', '(none)'), ...Object.entries(data.choices.antidepressants).map(([code, name]) => option(code, name)));

  const params = new URLSearchParams(location.search);
  const first = params.get('example') && data.examples.some((e) => e.id === params.get('example')) ? params.get('example') : data.examples[0].id;
  $('example').value = first;
  loadExample(first);

  $('example').addEventListener('change', () => {
    loadExample($('example').value);
    void callHook();
  });
  $('reset').addEventListener('click', () => {
    loadExample($('example').value);
    void callHook();
  });
  for (const r of document.querySelectorAll('input[name=hook]')) r.addEventListener('change', () => void callHook());
  $('draft-kind').addEventListener('change', showDraftFields);
  $('draft').addEventListener('change', (e) => {
    if (e.target.id !== 'example') rebuildDrafts();
  });
  $('facts').addEventListener('change', rebuildDrafts); // the draft's indication follows the diagnosis
  $('controls').addEventListener('submit', (e) => {
    e.preventDefault();
    void callHook();
  });
  $('cards').addEventListener('click', (e) => {
    const button = e.target.closest('button');
    if (!button || button.disabled) return;
    if (button.classList.contains('cds-suggestion')) void acceptSuggestion(button.dataset.cardUuid, button.dataset.suggestionUuid);
    else if (button.classList.contains('cds-dismiss')) void dismissCard(button.dataset.cardUuid);
  });
  await callHook();
}

start().catch((err) => {
  $('status').textContent = `The page could not start: ${err}`;
  $('status').classList.add('error');
});
