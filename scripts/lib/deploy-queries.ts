import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';

/** One PromQL expression of a file in deploy/, with where it comes from. */
export interface DeployQuery {
  source: string;
  expr: string;
}

/**
 * Grafana's interval variables as fixed durations, so that a dashboard query
 * is plain PromQL for promtool and the parser. The values only need to be
 * valid: Grafana substitutes its own when it runs the query.
 */
const GRAFANA_INTERVALS: Record<string, string> = { $__rate_interval: '1m', $__interval: '1m', $__range: '1h' };

export function withGrafanaIntervals(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, (variable) => GRAFANA_INTERVALS[variable]!);
}

interface DashboardPanel {
  id?: number;
  title?: string;
  type?: string;
  panels?: DashboardPanel[];
  targets?: Array<{ refId?: string; expr?: string }>;
}

/** Every panel of a Grafana dashboard, rows' nested panels included. */
export function dashboardPanels(dashboard: { panels?: DashboardPanel[] }): DashboardPanel[] {
  return (dashboard.panels ?? []).flatMap((panel) => [panel, ...dashboardPanels(panel)]);
}

/** The PromQL of every dashboard target, Grafana's interval variables replaced. */
export function dashboardQueries(dashboard: { panels?: DashboardPanel[] }): DeployQuery[] {
  return dashboardPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      source: `panel ${panel.id} "${panel.title}" target ${target.refId}`,
      expr: withGrafanaIntervals(target.expr ?? ''),
    })),
  );
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The alerting rules of a Prometheus rules file. */
export function alertRules(rulesFileText: string): AlertRule[] {
  const file = parseYaml(rulesFileText) as { groups: Array<{ rules: Array<Partial<AlertRule>> }> };
  return file.groups.flatMap((group) => group.rules).filter((rule): rule is AlertRule => typeof rule.alert === 'string');
}

/**
 * The metric names an expression selects, read from its syntax tree (so
 * function names, label names and grouping labels are never mistaken for
 * one). Throws at the first syntax error.
 */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`PromQL syntax error at offset ${node.from} of: ${expr}`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.add(expr.slice(node.from, node.to));
    },
  });
  return [...names];
}

/**
 * The dashboard's queries as a Prometheus rules file (one recording rule
 * each), so `promtool check rules` parses them with Prometheus' own parser.
 */
export function asRecordingRules(queries: DeployQuery[]): string {
  const rules = queries.map(
    (query, i) => `      # ${query.source}\n      - record: dashboard_query_${i + 1}\n        expr: ${JSON.stringify(query.expr)}\n`,
  );
  return `# Generated from the Grafana dashboard for promtool; not loaded by any Prometheus.\ngroups:\n  - name: dashboard-queries\n    rules:\n${rules.join('')}`;
}
