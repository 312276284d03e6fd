import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DocumentInput } from '@nonstop/core';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { testConfig, uniqueAccount } from '../../../test/support/test-env';

/**
 * Korean retrieval end to end with the default model (EMBEDDING_PROVIDER=local-e5,
 * the multilingual-e5-small server services-up starts): documents ingested
 * with POST /data/insert/batch as e5 passages, found with POST /search as e5
 * queries.
 */

const documents = (prefix: string): DocumentInput[] =>
  [
    ['jeonse', '전세 계약을 하기 전에는 등기부등본을 떼어 집주인이 실제 소유자인지, 근저당이 얼마나 잡혀 있는지 확인해야 한다.'],
    ['move-in', '이사한 뒤에는 14일 이내에 주민센터나 정부24에서 전입신고를 해야 한다.'],
    ['flu', '독감 예방접종은 항체가 생기기까지 약 2주가 걸리므로 10월에서 11월 사이에 맞는 것이 좋다.'],
    ['dogs', '강아지에게 초콜릿, 포도, 양파는 독성이 있어 조금만 먹어도 구토나 신장 손상을 일으킬 수 있다.'],
    ['sourdough', 'Sourdough bread rises because of a starter, a fermented mix of flour and water that hosts wild yeast.'],
  ].map(([name, text]) => ({ chat_bot_id: 'bot-e5', content_name: `${prefix}/${name}`, chunks: [{ chunk_index: 0, text: text! }] }));

describe('POST /search with the default, multilingual model (local-e5)', () => {
  const config = testConfig();
  const account = uniqueAccount('search_e5');
  const prefix = `https://example.com/e5-${randomUUID().slice(0, 8)}`;
  let api: InProcessApi;

  beforeAll(async () => {
    expect(config.embedding).toMatchObject({ provider: 'local-e5', inputRoles: 'input_type' });
    api = await startInProcessApi(config);
    const res = await request(api.app)
      .post('/data/insert/batch')
      .send({ account_name: account, documents: documents(prefix) })
      .expect(200);
    expect(res.body.failure_count).toBe(0);
  });
  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['보증금을 맡기고 집을 빌리기 전에 어떤 서류를 봐야 사기를 피할 수 있나요?', 'jeonse'],
    ['새 집으로 옮기고 나서 주소 변경은 언제까지 해야 하나요?', 'move-in'],
    ['인플루엔자 주사는 몇 월쯤 맞아야 효과가 있나요?', 'flu'],
    ['반려견이 먹으면 위험한 사람 음식에는 뭐가 있나요?', 'dogs'],
  ])('puts the paraphrased document first: %s', async (query, expected) => {
    const res = await request(api.app).post('/search').send({ account_name: account, query, top_k: 3 }).expect(200);
    expect(res.body.results[0]).toMatchObject({ content_name: `${prefix}/${expected}`, chunk_index: 0 });
  });
});
