// Prints the Grafana dashboard's queries as a Prometheus rules file, for
// `promtool check rules` (scripts/check-deploy.sh).
import { readFileSync } from 'node:fs';
import { asRecordingRules, dashboardQueries } from './lib/deploy-queries';

const [dashboardPath] = process.argv.slice(2);
if (!dashboardPath) throw new Error('usage: dashboard-rules.ts <dashboard.json>');
process.stdout.write(asRecordingRules(dashboardQueries(JSON.parse(readFileSync(dashboardPath, 'utf8')))));
