import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../common/project-root.js';
import { kubernetesYaml } from './lib/kubernetes.js';

/** `npm run kubernetes`: writes the Kubernetes manifests (`deploy/kubernetes/bizgraph.yaml`) from `scripts/lib/kubernetes.ts`. */
const file = join(PROJECT_ROOT, 'deploy', 'kubernetes', 'bizgraph.yaml');
writeFileSync(file, kubernetesYaml());
console.log(`wrote ${file}`);
