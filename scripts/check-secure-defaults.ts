// `docker compose config --format json | node --import tsx scripts/check-secure-defaults.ts`:
// fails listing every secure-default problem of docker-compose.yml and the
// Dockerfile (scripts/lib/secure-defaults.ts). Run by scripts/check-compose.sh.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeProblems, dockerfileProblems, secretDefaultsInComposeFile, type ComposeConfig } from './lib/secure-defaults';

const root = path.join(__dirname, '..');
const config = JSON.parse(readFileSync(0, 'utf8')) as ComposeConfig;
const problems = [
  ...secretDefaultsInComposeFile(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')),
  ...composeProblems(config, { app: ['api', 'worker'], migrate: 'migrate', keyless: ['e5'] }),
  ...dockerfileProblems(readFileSync(path.join(root, 'Dockerfile'), 'utf8'), ['api', 'worker', 'e5']),
];
for (const problem of problems) console.error(`check-secure-defaults: ${problem}`);
if (problems.length > 0) process.exit(1);
console.log(
  'check-secure-defaults: no default password, Redis password, app and owner database roles, loopback ports, no host port for e5, non-root images',
);
