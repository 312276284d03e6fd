/**
 * Static checks of docker-compose.yml and the Dockerfile for the secure
 * defaults the README promises (scripts/check-compose.sh runs them on
 * `docker compose config --format json`; there is no Docker engine here to
 * build or run anything). Each returns the problems it finds, in words.
 */

/** Values that ship as defaults somewhere (images, tutorials) and so are no secret at all. */
const WELL_KNOWN_SECRETS = ['postgres', 'password', 'minioadmin', 'admin', 'secret', 'changeme', 'redis', 'root', 'milvus', 'guest'];
// ACCESS_KEY but not ACCESS_KEY_ID: the latter is a user name.
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|API_KEY|ACCESS_KEY(?!_ID)/;

interface ComposeService {
  environment?: Record<string, string | null>;
  command?: string[] | string | null;
  configs?: Array<{ source: string }>;
  ports?: Array<{ host_ip?: string; published?: string | number; target: number }>;
}
export interface ComposeConfig {
  services: Record<string, ComposeService>;
  configs?: Record<string, { content?: string }>;
}

const isWellKnown = (value: string): boolean => WELL_KNOWN_SECRETS.includes(value.toLowerCase());

function urlOf(value: string | null | undefined): URL | undefined {
  if (!value || !/^(postgres(ql)?|rediss?):\/\//.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** In the file itself: a secret's variable may default to empty (optional) but never to a value. */
export function secretDefaultsInComposeFile(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Z0-9_]+)(:?-)([^}]*)\}/g)]
    .filter(([, name, , fallback]) => SECRET_NAME.test(name!) && fallback !== '')
    .map(([whole, name]) => `${name} has a default value in docker-compose.yml (${whole}); make it required: \${${name}:?message}`);
}

/**
 * In the interpolated configuration: no known password, a Redis password, least-privilege roles, loopback ports,
 * and no host port at all for a service that answers anyone without a key (`keyless`: the embedding server).
 */
export function composeProblems(config: ComposeConfig, apps: { app: string[]; migrate: string; keyless?: string[] }): string[] {
  const problems: string[] = [];
  for (const service of apps.keyless ?? []) {
    for (const port of config.services[service]?.ports ?? []) {
      problems.push(`${service}: port ${port.target} is published, but ${service} takes no key: reach it on the compose network only`);
    }
  }
  const services = Object.entries(config.services);
  for (const [service, { environment = {} }] of services) {
    for (const [name, value] of Object.entries(environment)) {
      if (value && SECRET_NAME.test(name) && isWellKnown(value)) problems.push(`${service}: ${name} is the well-known "${value}"`);
      const url = urlOf(value);
      if (url?.password && isWellKnown(decodeURIComponent(url.password)))
        problems.push(`${service}: ${name} carries the well-known password "${url.password}"`);
      if (url?.protocol.startsWith('redis') && !url.password) problems.push(`${service}: ${name} connects to Redis without a password`);
    }
    for (const port of config.services[service]!.ports ?? []) {
      if (port.host_ip !== '127.0.0.1')
        problems.push(`${service}: port ${port.target} is published on ${port.host_ip ?? 'every interface'}, not 127.0.0.1`);
    }
  }

  const redis = config.services.redis;
  const redisConfigText = (redis?.configs ?? []).map((mounted) => config.configs?.[mounted.source]?.content ?? '').join('\n');
  const redisCommand = [redis?.command ?? []].flat().join(' ');
  if (redis && !/requirepass \S+/.test(`${redisCommand}\n${redisConfigText}`))
    problems.push('redis: no requirepass (Redis would accept any client)');

  const userOf = (service: string): string | undefined => {
    const url = urlOf(config.services[service]?.environment?.DATABASE_URL);
    return url ? decodeURIComponent(url.username) : undefined;
  };
  const owner = userOf(apps.migrate);
  if (!owner || owner === 'postgres')
    problems.push(`${apps.migrate}: migrations must run as the schema's owner role, not ${owner ?? 'an unset user'}`);
  for (const app of apps.app) {
    const user = userOf(app);
    if (!user || user === 'postgres' || user === owner)
      problems.push(`${app}: connects to PostgreSQL as ${user ?? 'an unset user'}, not the app role`);
    if (config.services[app]?.environment?.MIGRATE_ON_START !== 'false')
      problems.push(`${app}: MIGRATE_ON_START must be "false" (migrations are their own step)`);
  }
  return problems;
}

interface DockerStage {
  name: string;
  base: string;
  user: string | undefined;
  instructions: string[];
}

function dockerStages(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      stages.push({ name: from[2] ?? `#${stages.length}`, base: from[1]!, user: undefined, instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) continue;
    stage.instructions.push(line);
    const user = /^USER\s+(\S+)/i.exec(line);
    if (user) stage.user = user[1];
  }
  return stages;
}

/** The image's targets run as a user other than root, and the files they run are not that user's to change. */
export function dockerfileProblems(text: string, targets: string[]): string[] {
  const stages = dockerStages(text);
  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  const chain = (stage: DockerStage): DockerStage[] => {
    const base = byName.get(stage.base);
    return base ? [...chain(base), stage] : [stage];
  };
  const problems: string[] = [];
  for (const target of targets) {
    const stage = byName.get(target);
    if (!stage) {
      problems.push(`Dockerfile has no stage "${target}"`);
      continue;
    }
    const built = chain(stage);
    const user = built
      .map((one) => one.user)
      .filter((one) => one !== undefined)
      .pop();
    if (!user || /^(root|0)(:|$)/.test(user)) problems.push(`target ${target} runs as ${user ?? 'root (no USER)'}`);
    for (const instruction of built.flatMap((one) => one.instructions)) {
      if (user && new RegExp(`^(COPY|ADD)\\b.*--chown=${user.split(':')[0]}\\b`, 'i').test(instruction)) {
        problems.push(`target ${target}: "${instruction}" gives the app's user (${user}) its own files to change`);
      }
      if (/^RUN\b.*\b(chown|chmod\s+(-R\s+)?[0-7]*7[0-7]{0,2}\b)/i.test(instruction))
        problems.push(`target ${target}: "${instruction}" loosens file ownership or modes`);
    }
  }
  return problems;
}
