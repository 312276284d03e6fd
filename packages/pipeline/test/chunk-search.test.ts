import type { Embedder } from '@nonstop/core';
import type { ChunkVectorFilter, ChunkWithDocument } from '@nonstop/storage';
import { ChunkSearch, type ChunkSearchPorts } from '../src/search/chunk-search';

/** In-memory ports: what ChunkSearch asks of them, and in which order. Pure logic, no I/O. */
function ports(options: { embedQueries?: boolean; documentIds?: number[]; supersededReads?: number } = {}) {
  let supersededReads = options.supersededReads ?? 0;
  const calls: string[] = [];
  const filters: ChunkVectorFilter[] = [];
  const embedder: Embedder = {
    model: 'fake',
    dimension: 2,
    embed: async (texts) => {
      calls.push(`embed ${texts.join('|')}`);
      return texts.map(() => [1, 0]);
    },
    ...(options.embedQueries
      ? {
          embedQueries: async (texts: string[]) => {
            calls.push(`embedQueries ${texts.join('|')}`);
            return texts.map(() => [0, 1]);
          },
        }
      : {}),
  };
  const row: ChunkWithDocument = { chunk_id: 7, doc_id: 3, chunk_index: 0, text: 't', content_name: 'c', chat_bot_id: 'b', metadata: {} };
  const deps: ChunkSearchPorts = {
    embedder,
    vectors: {
      search: async (vector, filter, limit) => {
        calls.push(`search ${vector.join(',')} limit ${limit}`);
        filters.push(filter);
        return [{ chunk_id: 7, document_id: 3, score: 0.4 }];
      },
    },
    chunks: {
      documentIdsByContentName: async (account, names, bot) => {
        calls.push(`names ${account} ${names.join('|')} ${bot ?? '-'}`);
        return options.documentIds ?? [];
      },
      chunksWithDocuments: async (account, ids) => {
        calls.push(`rows ${account} ${ids.join(',')}`);
        if (supersededReads === 0) return [row];
        supersededReads -= 1;
        return [{ ...row, state: 'superseded' }];
      },
    },
  };
  return { deps, calls, filters };
}

describe('ChunkSearch', () => {
  it('embeds the query with embedQueries when the model has it (e5 "query: "), else with embed', async () => {
    const withQueries = ports({ embedQueries: true });
    await new ChunkSearch(withQueries.deps).search({ account_name: 'a', query: '질문', top_k: 5 });
    expect(withQueries.calls).toEqual(['embedQueries 질문', 'search 0,1 limit 10', 'rows a 7']);
    const plain = ports();
    await new ChunkSearch(plain.deps).search({ account_name: 'a', query: 'q', top_k: 5 });
    expect(plain.calls[0]).toBe('embed q');
  });

  it('resolves content_names to document ids first, and asks nothing more when none exists', async () => {
    const found = ports({ documentIds: [3, 4] });
    const results = await new ChunkSearch(found.deps).search({
      account_name: 'a',
      query: 'q',
      top_k: 1,
      chat_bot_id: 'b',
      content_names: ['x', 'y'],
    });
    expect(found.calls[0]).toBe('names a x|y b');
    expect(found.filters).toEqual([{ accountName: 'a', chatBotId: 'b', documentIds: [3, 4] }]);
    expect(results).toHaveLength(1);
    const none = ports({ documentIds: [] });
    expect(await new ChunkSearch(none.deps).search({ account_name: 'a', query: 'q', top_k: 1, content_names: ['nope'] })).toEqual([]);
    expect(none.calls).toEqual(['names a nope -']);
  });

  it("searches again when a hit's version was superseded meanwhile, and never answers a superseded chunk", async () => {
    const once = ports({ documentIds: [3], supersededReads: 1 });
    const results = await new ChunkSearch(once.deps).search({ account_name: 'a', query: 'q', top_k: 1, content_names: ['x'] });
    expect(once.calls).toEqual([
      'names a x -',
      'embed q',
      'search 1,0 limit 2',
      'rows a 7',
      'names a x -',
      'search 1,0 limit 2',
      'rows a 7',
    ]);
    expect(results).toHaveLength(1);
    const always = ports({ supersededReads: 99 });
    expect(await new ChunkSearch(always.deps).search({ account_name: 'a', query: 'q', top_k: 1 })).toEqual([]);
    expect(always.calls.filter((call) => call.startsWith('search'))).toHaveLength(3);
  });

  it('applies score_threshold to the joined hits', async () => {
    const { deps } = ports();
    expect(await new ChunkSearch(deps).search({ account_name: 'a', query: 'q', top_k: 5, score_threshold: 0.5 })).toEqual([]);
    expect(await new ChunkSearch(deps).search({ account_name: 'a', query: 'q', top_k: 5, score_threshold: 0.4 })).toHaveLength(1);
  });
});
