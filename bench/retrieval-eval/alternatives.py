"""
What else could raise the default model's recall? One-off measurements for
docs/benchmarks (issue 12), kept so they can be run again:

    .local/e5-venv/bin/python bench/retrieval-eval/alternatives.py [--use-url URL] [ko-en ko-en-heldout]

For each evaluation set it ranks every passage for every query several ways
and prints recall@1 / MRR per query group (cosine over all passages, as
POST /search ranks them at this size):
- vector: the local-e5 server's default model (multilingual-e5-small-q4:
  `passage: ` passages, `query: ` queries); sym: its -sym model (`query: `
  for passages too);
- bm25: Okapi BM25 (k1 1.2, b 0.75) over character bigrams of Hangul runs
  (how Lucene's CJK analyzer indexes Korean, which whitespace splits badly:
  particles stick to words) and lowercased 5-letter stems of Latin words;
- rrf: reciprocal rank fusion of vector and bm25 (k 10 and 60; the lexical
  side weighted 0.3 and 1), how hybrid search engines combine them;
  linear: cosine + 0.005 * BM25;
- longer chunks: vector and sym when the passages (shuffled, seed 7) are
  joined 3 and 5 to a chunk, the query's chunk being the one holding its
  passage: the prefixes on chunks of 300-600 characters and several topics;
- with --use-url (bench/retrieval-eval/serve-use-multilingual.py): USE
  multilingual v3 alone, and its cosine added to e5's (weights 0.3 and 1).
Needs the e5 server (npm run services:up) and numpy (in the e5 venv).
"""
import collections
import json
import math
import os
import random
import re
import sys
import urllib.request

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
E5_URL = "http://127.0.0.1:%s/v1/embeddings" % os.environ.get("E5_PORT", "8390")
HANGUL_OR_LATIN = re.compile(r"[\uac00-\ud7a3]+|[a-z0-9]+")


def post_embeddings(url, model, texts, input_type):
    body = json.dumps({"model": model, "input": texts, "input_type": input_type, "encoding_format": "float"})
    request = urllib.request.Request(url, data=body.encode(), headers={"content-type": "application/json"})
    vectors = np.array([item["embedding"] for item in json.load(urllib.request.urlopen(request))["data"]])
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def embed(texts, input_type, model="multilingual-e5-small-q4"):
    return post_embeddings(E5_URL, model, texts, input_type)


def terms(text):
    out = []
    for word in HANGUL_OR_LATIN.findall(text.lower()):
        if "\uac00" <= word[0] <= "\ud7a3":
            out += [word] if len(word) == 1 else [word[i:i + 2] for i in range(len(word) - 1)]
        else:
            out.append(word[:5])
    return out


def bm25_scorer(passages, k1=1.2, b=0.75):
    docs = [terms(text) for text in passages]
    average = sum(map(len, docs)) / len(docs)
    frequency = collections.Counter(term for doc in docs for term in set(doc))
    counts = [collections.Counter(doc) for doc in docs]

    def score(query):
        scores = np.zeros(len(docs))
        for term in set(terms(query)):
            if term not in frequency:
                continue
            idf = math.log(1 + (len(docs) - frequency[term] + 0.5) / (frequency[term] + 0.5))
            for i, count in enumerate(counts):
                tf = count.get(term, 0)
                if tf:
                    scores[i] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(docs[i]) / average))
        return scores

    return score


def ranks_of(scores):
    return np.argsort(np.argsort(-scores)) + 1


def rrf(a, b, k, weight):
    return 1 / (k + ranks_of(a)) + weight / (k + ranks_of(b))


def print_ways(data, ids, ways, relevant_of=lambda query: query["relevant"]):
    for way, scorer in ways.items():
        cells = []
        for group in ("ko", "en-ko", "en"):
            ranks = []
            for i, query in enumerate(data["queries"]):
                if query["group"] != group:
                    continue
                scores = scorer(i, query)
                at = ids.index(relevant_of(query))
                ranks.append(1 + int(np.sum(np.delete(scores, at) >= scores[at])))
            cells.append("%s R@1 %.2f MRR %.2f" % (group, sum(r == 1 for r in ranks) / len(ranks), sum(1 / r for r in ranks) / len(ranks)))
        print("  %-28s %s" % (way, "   ".join(cells)))


def main(set_names, use_url):
    for name in set_names:
        data = json.load(open(os.path.join(HERE, name + ".json")))
        ids = [p["id"] for p in data["passages"]]
        texts = [p["text"] for p in data["passages"]]
        query_texts = [q["text"] for q in data["queries"]]
        passages = embed(texts, "passage")
        symmetric = embed(texts, "passage", "multilingual-e5-small-q4-sym")
        queries = embed(query_texts, "query")
        bm25 = bm25_scorer(texts)
        ways = {
            "vector": lambda i, q: passages @ queries[i],
            "sym": lambda i, q: symmetric @ queries[i],
            "bm25": lambda i, q: bm25(q["text"]),
        }
        for k in (10, 60):
            for weight in (0.3, 1.0):
                ways["rrf k%d w%.1f" % (k, weight)] = lambda i, q, k=k, w=weight: rrf(passages @ queries[i], bm25(q["text"]), k, w)
        ways["linear a0.005"] = lambda i, q: passages @ queries[i] + 0.005 * bm25(q["text"])
        if use_url:
            use_passages = post_embeddings(use_url, "use-multilingual-v3", texts, "passage")
            use_queries = post_embeddings(use_url, "use-multilingual-v3", query_texts, "query")
            ways["use"] = lambda i, q: use_passages @ use_queries[i]
            for weight in (0.3, 1.0):
                ways["vector + %.1f use" % weight] = lambda i, q, w=weight: passages @ queries[i] + w * (use_passages @ use_queries[i])
        print("set %s (%d passages)" % (name, len(ids)))
        print_ways(data, ids, ways)
        shuffled = data["passages"][:]
        random.Random(7).shuffle(shuffled)
        for size in (3, 5):
            chunks = [shuffled[i:i + size] for i in range(0, len(shuffled), size)]
            chunk_of = {p["id"]: str(c) for c, chunk in enumerate(chunks) for p in chunk}
            chunk_texts = [" ".join(p["text"] for p in chunk) for chunk in chunks]
            as_passages = embed(chunk_texts, "passage")
            as_symmetric = embed(chunk_texts, "passage", "multilingual-e5-small-q4-sym")
            length = int(np.mean([len(t) for t in chunk_texts]))
            print_ways(
                data,
                [str(c) for c in range(len(chunks))],
                {
                    "vector, %d a chunk (~%d ch)" % (size, length): lambda i, q, P=as_passages: P @ queries[i],
                    "sym, %d a chunk" % size: lambda i, q, P=as_symmetric: P @ queries[i],
                },
                lambda query: chunk_of[query["relevant"]],
            )


if __name__ == "__main__":
    args = sys.argv[1:]
    use = None
    if "--use-url" in args:
        at = args.index("--use-url")
        use = args[at + 1].rstrip("/") + "/embeddings"
        del args[at:at + 2]
    main(args or ["ko-en", "ko-en-heldout"], use)
