/** Rewrites docs/benchmarks/README.md and throughput.svg from results.json, without measuring again: `node --import tsx bench/render.ts`. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildReadme, chartBars, type Results } from './readme';
import { barChartSvg, OUT_DIR, writeOutputs } from './report';

const results = JSON.parse(readFileSync(path.join(OUT_DIR, 'results.json'), 'utf8')) as Results;
writeOutputs(results, buildReadme(results), barChartSvg('Nonstop Ingest throughput (384 dims, stand-in embeddings)', chartBars(results)));
console.log('rewrote docs/benchmarks/README.md and throughput.svg from results.json');
