#!/usr/bin/env node
// Part of the build (after tsc): compiles the FHIR R4 schema validators start-up needs into
// dist/src/fhir/fhir-r4-validators.cjs, so that `npm start` loads them instead of compiling the
// schema's data types (over a second on 2 cores). See PRECOMPILED_TYPES in src/fhir/schema.ts.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { PRECOMPILED_FILE, PRECOMPILED_TYPES, precompiledValidatorsSource } from '../dist/src/fhir/schema.js';

writeFileSync(PRECOMPILED_FILE, precompiledValidatorsSource(PRECOMPILED_TYPES));
console.log(`trd-cds: FHIR R4 validators of ${PRECOMPILED_TYPES.join(', ')} compiled into ${relative(process.cwd(), PRECOMPILED_FILE)}`);
