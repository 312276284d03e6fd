/** `npm run migrate`: creates the database if missing and applies pending migrations. */
import { loadConfig } from '@nonstop/core';
import { migrate } from '@nonstop/storage';

async function main(): Promise<void> {
  const config = loadConfig();
  await migrate(config.databaseUrl, (line) => console.log(line));
  console.log(`migrations applied to ${new URL(config.databaseUrl).pathname.slice(1)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
