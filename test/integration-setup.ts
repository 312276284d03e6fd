// Integration tests start real processes and wait on real services and a CPU embedding model.
jest.setTimeout(300_000);
