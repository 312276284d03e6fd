import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const OUT_DIR = path.resolve(__dirname, '../docs/benchmarks');

export function machine(): Record<string, string> {
  const sh = (cmd: string) => {
    try {
      return execSync(cmd, { encoding: 'utf8' }).trimEnd();
    } catch {
      return 'unknown';
    }
  };
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  return { nproc: sh('nproc'), free_g: sh('free -g'), cpu_model: cpu, kernel: sh('uname -sr') };
}

export interface Bar {
  label: string;
  value: number;
  kind: 'raw' | 'service' | 'naive' | 'langchain' | 'local';
}

/** A horizontal bar chart (log scale, chunks/s), written by hand: no dependencies. */
export function barChartSvg(title: string, bars: Bar[]): string {
  const colors = { raw: '#8a8f98', service: '#2b6cb0', naive: '#c05621', langchain: '#805ad5', local: '#2f855a' };
  const left = 330,
    width = 460,
    rowH = 26,
    top = 50;
  const height = top + bars.length * rowH + 50;
  const max = Math.max(...bars.map((b) => b.value), 10);
  const decades = Math.ceil(Math.log10(max));
  const x = (v: number) => left + (Math.log10(Math.max(v, 1)) / decades) * width;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 110}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  for (let d = 0; d <= decades; d += 1) {
    const gx = x(10 ** d);
    parts.push(
      `<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${top + bars.length * rowH}" stroke="#e2e8f0"/>`,
      `<text x="${gx}" y="${top + bars.length * rowH + 16}" text-anchor="middle" fill="#4a5568">${(10 ** d).toLocaleString('en-US')}</text>`,
    );
  }
  bars.forEach((bar, i) => {
    const y = top + i * rowH;
    parts.push(
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(bar.label)}</text>`,
      `<rect x="${left}" y="${y + 3}" width="${Math.max(1, x(bar.value) - left)}" height="${rowH - 8}" fill="${colors[bar.kind]}"/>`,
      `<text x="${x(bar.value) + 5}" y="${y + 15}">${Math.round(bar.value).toLocaleString('en-US')}</text>`,
    );
  });
  parts.push(
    `<text x="10" y="${height - 12}" fill="#4a5568">chunks/s, log scale. grey: one stage alone; blue: service end to end; orange: naive loop; purple: LangChain.js; green: local model</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

export function writeOutputs(results: unknown, readme: string, svg: string): void {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(path.join(OUT_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(OUT_DIR, 'throughput.svg'), `${svg}\n`);
  writeFileSync(path.join(OUT_DIR, 'README.md'), readme);
}
