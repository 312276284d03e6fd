import { fixedVector, startStandInEmbeddingServer, type StandInEmbeddingServer } from '../packages/embeddings/src/testing';
import { originOf } from './documents';

export const DIMENSION = 384;

/**
 * The stand-in OpenAI-compatible endpoint (fixed deterministic vectors), in
 * the chaos process, which is never killed. The real local model runs about
 * 7 chunks/s on this machine, far too slow for 20,000 chunks in minutes.
 * Every call is stamped on arrival, before its answer is sent: a worker can
 * only record a document succeeded after that answer, so "stamp < the
 * ledger's success time" holds for every legitimate embedding.
 */
export class StampedEmbeddingEndpoint {
  /** Arrival times (ms) of every embedding call per "content_name#chunk_index". */
  readonly stamps = new Map<string, number[]>();
  calls = 0;
  private server: StandInEmbeddingServer | undefined;

  async start(delayMs: number): Promise<string> {
    this.server = await startStandInEmbeddingServer({
      dimension: DIMENSION,
      embed: async (texts) => {
        const now = Date.now();
        this.calls += 1;
        for (const text of texts) {
          const origin = originOf(text);
          if (!origin) continue; // readiness probes
          const key = `${origin.contentName}#${origin.chunkIndex}`;
          const list = this.stamps.get(key);
          if (list) list.push(now);
          else this.stamps.set(key, [now]);
        }
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return texts.map((text) => fixedVector(text, DIMENSION));
      },
    });
    return this.server.url;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }
}
