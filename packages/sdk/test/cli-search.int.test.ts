import { listenOnLoopback, startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { testConfig, uniqueAccount } from '../../../test/support/test-env';
import { NonstopIngestClient } from '../src';
import { runCli } from './run-cli';

/** `nonstop-ingest search` as its own process against the real API, stores and local model. */
describe('CLI: search', () => {
  let api: InProcessApi;
  let listener: Awaited<ReturnType<typeof listenOnLoopback>>;
  const account = uniqueAccount('cli_search');

  beforeAll(async () => {
    api = await startInProcessApi(testConfig());
    listener = await listenOnLoopback(api);
    const answer = await new NonstopIngestClient({ baseUrl: listener.baseUrl }).insertBatchSync({
      account_name: account,
      documents: [
        {
          chat_bot_id: 'bot-ko',
          content_name: 'https://예시.kr/봄',
          chunks: [{ chunk_index: 0, text: '서울의 봄은 따뜻하고 벚꽃이 핍니다.' }],
        },
        {
          chat_bot_id: 'bot-en',
          content_name: 'https://example.com/tea',
          chunks: [{ chunk_index: 0, text: 'Green tea is brewed with water below boiling.' }],
        },
      ],
    });
    expect(answer.success_count).toBe(2);
  });
  afterAll(async () => {
    await listener.close();
    await api.close();
  });

  it('prints Korean results intact, filters by bot, and --json gives one line per result', async () => {
    const env = { NONSTOP_URL: listener.baseUrl };
    const korean = runCli(['search', '서울의 봄 날씨는?', '--account', account, '--bot', 'bot-ko'], env);
    expect(await korean.code).toBe(0);
    expect(korean.stdout()).toMatch(
      /^1\. -?\d\.\d{3} {2}https:\/\/예시\.kr\/봄 {2}\(bot bot-ko, doc \d+, chunk 0\)\n {3}서울의 봄은 따뜻하고 벚꽃이 핍니다\.\n$/,
    );

    const json = runCli(['search', 'how to brew green tea', '--account', account, '--top-k', '2', '--json'], env);
    expect(await json.code).toBe(0);
    const results = json
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { content_name: string });
    expect(results.map((r) => r.content_name)).toEqual(['https://example.com/tea', 'https://예시.kr/봄']);

    const refused = runCli(['search', 'tea', '--account', account, '--top-k', '51'], env);
    expect(await refused.code).toBe(1);
    expect(refused.stderr()).toContain('top_k: must be an integer from 1 to 50, got 51');
  });
});
