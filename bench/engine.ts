/**
 * The engine alone: assessing a synthetic record in-process, median and p99 in microseconds.
 * Run: npx tsx bench/engine.ts [resources...]   (default 300 500); npm run bench includes it.
 */
import { performance } from 'node:perf_hooks';
import { assessResources } from '../test/helpers/record.js';
import { syntheticPatient } from '../test/builders/synthetic-patient.js';

export function benchEngine(size: number, iterations = 2000): { size: number; medianUs: number; p99Us: number } {
  const record = syntheticPatient(size);
  // Fresh copies, as each request parses its own: no string or object is shared between runs.
  const copies = Array.from({ length: 50 }, () => JSON.parse(JSON.stringify(record)) as fhir4.Resource[]);
  for (let i = 0; i < 200; i++) assessResources(copies[i % copies.length]!); // warm-up
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const copy = copies[i % copies.length]!;
    const t0 = performance.now();
    assessResources(copy);
    times.push((performance.now() - t0) * 1000);
  }
  times.sort((a, b) => a - b);
  return { size: record.length, medianUs: Math.round(times[Math.floor(times.length / 2)]!), p99Us: Math.round(times[Math.floor(times.length * 0.99)]!) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv.slice(2).map(Number).filter(Boolean);
  for (const size of sizes.length ? sizes : [300, 500]) console.log(JSON.stringify(benchEngine(size)));
}
