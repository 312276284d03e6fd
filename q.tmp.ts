import { createLogger, loadConfig } from '@nonstop/core';
import { createRuntime } from '@nonstop/pipeline';
(async () => {
  const config = loadConfig();
  const rt = await createRuntime(config, createLogger({ level: 'warn', format: 'text', service: 't' }), { applicationName: 't' });
  await rt.close();
  console.log('closed', new Date().toISOString());
  setTimeout(() => { console.log('still alive after 5s; handles:', (process as any)._getActiveHandles().map((h: any) => h.constructor.name)); }, 5000).unref();
})();
