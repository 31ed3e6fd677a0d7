import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';

/** The vendored snapshot of the clinical reference that tests compare against (see its README and SNAPSHOT.json). */
export const clinicalReferenceDir = join(projectRoot, 'test', 'reference', 'clinical');
