// Waits until Milvus is healthy over gRPC, as the app will see it.
//
// Why not /healthz alone: right after a restart, /healthz answers OK while the
// proxy still dials the previous run's components (stale etcd sessions, "node
// not match") and checkHealth() reports unhealthy for ~20-30 s; tests that
// start in that window fail. Usage: node milvus-ready.cjs HOST:PORT SECONDS
const { MilvusClient } = require('@zilliz/milvus2-sdk-node');

const [address, seconds = '120'] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;

async function attempt() {
  // A fresh client each time: the SDK connects in its constructor and a client
  // whose first connect failed is not worth reusing.
  const client = new MilvusClient({ address, timeout: 5000 });
  try {
    await client.connectPromise;
    const health = await client.checkHealth();
    return health.isHealthy ? '' : `unhealthy: ${JSON.stringify(health.reasons).slice(0, 300)}`;
  } catch (error) {
    return String(error instanceof Error ? error.message : error).slice(0, 300);
  } finally {
    try {
      client.closeConnection(); // synchronous in this SDK version
    } catch {
      // closing a client that never connected can throw; nothing to do
    }
  }
}

async function main() {
  let last = 'no answer';
  while (Date.now() < deadline) {
    last = await attempt();
    if (last === '') return 0;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  console.error(`Milvus at ${address} is not healthy over gRPC after ${seconds} s: ${last}`);
  return 1;
}

main().then((code) => process.exit(code));
