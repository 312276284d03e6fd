"""
Would lexical matching help the default model? A one-off measurement for
docs/benchmarks (issue 12), kept so it can be run again:

    .local/e5-venv/bin/python bench/retrieval-eval/lexical-fusion.py [ko-en ko-en-heldout]

For each evaluation set it ranks every passage for every query four ways and
prints recall@1 / MRR per query group:
- vector: cosine of the local-e5 server's vectors (its default model,
  multilingual-e5-small-q4: `passage: ` passages, `query: ` queries), as
  POST /search ranks them;
- bm25: Okapi BM25 (k1 1.2, b 0.75) over character bigrams of Hangul runs
  (how Lucene's CJK analyzer indexes Korean, which whitespace splits badly:
  particles stick to words) and lowercased 5-letter stems of Latin words;
- rrf: reciprocal rank fusion of the two rankings (k 10 and 60; the lexical
  side weighted 0.3 and 1), how hybrid search engines combine them;
- linear: cosine + a * BM25 (a 0.005).
Needs the e5 server (npm run services:up) and numpy (in the e5 venv).
"""
import collections
import json
import math
import os
import re
import sys
import urllib.request

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
E5_URL = "http://127.0.0.1:%s/v1/embeddings" % os.environ.get("E5_PORT", "8390")
HANGUL_OR_LATIN = re.compile(r"[\uac00-\ud7a3]+|[a-z0-9]+")


def embed(texts, input_type):
    body = json.dumps({"model": "multilingual-e5-small-q4", "input": texts, "input_type": input_type, "encoding_format": "float"})
    request = urllib.request.Request(E5_URL, data=body.encode(), headers={"content-type": "application/json"})
    vectors = np.array([item["embedding"] for item in json.load(urllib.request.urlopen(request))["data"]])
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


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


def main(set_names):
    for name in set_names:
        data = json.load(open(os.path.join(HERE, name + ".json")))
        ids = [p["id"] for p in data["passages"]]
        texts = [p["text"] for p in data["passages"]]
        passages = embed(texts, "passage")
        queries = embed([q["text"] for q in data["queries"]], "query")
        bm25 = bm25_scorer(texts)
        ways = {"vector": lambda i, q: passages @ queries[i], "bm25": lambda i, q: bm25(q["text"])}
        for k in (10, 60):
            for weight in (0.3, 1.0):
                ways["rrf k%d w%.1f" % (k, weight)] = lambda i, q, k=k, w=weight: rrf(passages @ queries[i], bm25(q["text"]), k, w)
        ways["linear a0.005"] = lambda i, q: passages @ queries[i] + 0.005 * bm25(q["text"])
        print("set %s (%d passages)" % (name, len(ids)))
        for way, scorer in ways.items():
            cells = []
            for group in ("ko", "en-ko", "en"):
                ranks = []
                for i, query in enumerate(data["queries"]):
                    if query["group"] != group:
                        continue
                    scores = scorer(i, query)
                    at = ids.index(query["relevant"])
                    ranks.append(1 + int(np.sum(np.delete(scores, at) >= scores[at])))
                cells.append("%s R@1 %.2f MRR %.2f" % (group, sum(r == 1 for r in ranks) / len(ranks), sum(1 / r for r in ranks) / len(ranks)))
            print("  %-16s %s" % (way, "   ".join(cells)))


if __name__ == "__main__":
    main(sys.argv[1:] or ["ko-en", "ko-en-heldout"])
