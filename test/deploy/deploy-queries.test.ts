import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createMetrics } from '@nonstop/core';
import { alertRules, dashboardPanels, dashboardQueries, metricNamesIn, type DeployQuery } from '../../scripts/lib/deploy-queries';

const DEPLOY = path.join(__dirname, '../../deploy');
const read = (file: string): string => readFileSync(path.join(DEPLOY, file), 'utf8');
const dashboard = JSON.parse(read('grafana/nonstop-ingest.json')) as Parameters<typeof dashboardPanels>[0];
const rulesText = read('prometheus/alerts.yml');
const rules = alertRules(rulesText);
/** Series Prometheus itself adds to every target. */
const PROMETHEUS_SERIES = ['up'];

/** Each metric of the registry both apps use (createMetrics), with the series names a scrape shows for it. */
async function exportedMetrics(): Promise<Map<string, string[]>> {
  const metrics = new Map<string, string[]>();
  for (const metric of await createMetrics().registry.getMetricsAsJSON()) {
    // prom-client's typings call `type` a numeric enum; at run time it is the text format's name ("histogram").
    const type = String(metric.type);
    const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
    metrics.set(
      metric.name,
      suffixes.map((suffix) => `${metric.name}${suffix}`),
    );
  }
  return metrics;
}

const queries: DeployQuery[] = [
  ...dashboardQueries(dashboard),
  ...rules.map((rule) => ({ source: `alert ${rule.alert}`, expr: rule.expr })),
];

describe('deploy/: the dashboard and the alert rules', () => {
  it('select only series the service exports, in PromQL that parses', async () => {
    const exported = new Set([...PROMETHEUS_SERIES, ...[...(await exportedMetrics()).values()].flat()]);
    const unknown = queries.flatMap((query) =>
      metricNamesIn(query.expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${query.source}: ${name}`),
    );
    expect(unknown).toEqual([]);
    expect(queries.length).toBeGreaterThan(30);
  });

  it('show every nonstop_ series of the service on the dashboard', async () => {
    const shown = new Set(dashboardQueries(dashboard).flatMap((query) => metricNamesIn(query.expr)));
    const missing = [...(await exportedMetrics())].filter(
      ([name, series]) => name.startsWith('nonstop_') && !series.some((one) => shown.has(one)),
    );
    expect(missing.map(([name]) => name)).toEqual([]);
  });

  it('dashboard: unique panel ids, a query on every panel, the datasource chosen by the variable, no unknown variable', () => {
    const panels = dashboardPanels(dashboard);
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const charts = panels.filter((panel) => panel.type !== 'row');
    expect(charts.filter((panel) => !(panel.targets ?? []).some((target) => target.expr))).toEqual([]);
    expect(
      JSON.stringify(charts)
        .match(/"uid":"[^"]*"/g)!
        .every((uid) => uid === '"uid":"${datasource}"'),
    ).toBe(true);
    expect(dashboardQueries(dashboard).filter((query) => query.expr.includes('$'))).toEqual([]);
  });

  it('alert rules: a severity, a summary, a description and a runbook section in deploy/README.md', () => {
    const readme = read('README.md');
    const anchors = new Set(
      [...readme.matchAll(/^#+ (.+)$/gm)].map((heading) =>
        heading[1]!
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const rule of rules) {
      expect({ alert: rule.alert, severity: ['critical', 'warning'].includes(rule.labels?.severity ?? '') }).toEqual({
        alert: rule.alert,
        severity: true,
      });
      expect({
        alert: rule.alert,
        summary: Boolean(rule.annotations?.summary),
        description: Boolean(rule.annotations?.description),
      }).toEqual({ alert: rule.alert, summary: true, description: true });
      expect(rule.annotations?.runbook).toBe(`deploy/README.md#${rule.alert.toLowerCase()}`);
      expect({ alert: rule.alert, section: anchors.has(rule.alert.toLowerCase()) }).toEqual({ alert: rule.alert, section: true });
    }
  });

  it("alert rules: promtool's unit tests see each alert fire and stay quiet", () => {
    const tests = (
      parseYaml(read('prometheus/alerts.test.yml')) as {
        tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
      }
    ).tests.flatMap((test) => test.alert_rule_test);
    const fires = new Set(tests.filter((test) => test.exp_alerts.length > 0).map((test) => test.alertname));
    const quiet = new Set(tests.filter((test) => test.exp_alerts.length === 0).map((test) => test.alertname));
    expect(rules.map((rule) => rule.alert).filter((alert) => !fires.has(alert) || !quiet.has(alert))).toEqual([]);
  });
});
