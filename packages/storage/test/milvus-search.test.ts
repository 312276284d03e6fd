import { chunkSearchFilter } from '../src/milvus/milvus-search';

describe('chunkSearchFilter', () => {
  it('scopes to the account, then the bot and the documents, when given', () => {
    expect(chunkSearchFilter({ accountName: 'acct' })).toBe('account_name == "acct"');
    expect(chunkSearchFilter({ accountName: 'acct', chatBotId: 'bot-1' })).toBe('account_name == "acct" && chat_bot_id == "bot-1"');
    expect(chunkSearchFilter({ accountName: 'acct', chatBotId: 'b', documentIds: [3, 1] })).toBe(
      'account_name == "acct" && chat_bot_id == "b" && document_id in [3,1]',
    );
  });

  it('keeps hostile values inside their literals', () => {
    // The API refuses these as identifiers; the filter is safe even if something let one through.
    expect(chunkSearchFilter({ accountName: 'a" || account_name != "x', chatBotId: ') or (1==1' })).toBe(
      'account_name == "a\\" || account_name != \\"x" && chat_bot_id == ") or (1==1"',
    );
    expect(() => chunkSearchFilter({ accountName: 'a', documentIds: ['1] or 1==1' as unknown as number] })).toThrow(/not an integer id/);
  });
});
