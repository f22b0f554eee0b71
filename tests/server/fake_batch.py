#!/usr/bin/env python3
"""tests/server/fake_batch.py - a fake OpenAI, Azure OpenAI and Anthropic batch API (and their
online endpoints) on 127.0.0.1.

Standard library only. Prints its port on the first line of stdout; exits when stdin
closes (as tests/server/msb_test_server does with --exit-on-stdin-eof).

    python3 fake_batch.py --log FILE [--steps N] [--max-seconds S]

Endpoints (the parts of OpenAI's API that medsafety uses):
  POST /v1/files                 multipart: purpose=batch, file=JSONL -> {"id": "file-N"}
  GET  /v1/files/ID/content      the file's bytes (input, output or error file)
  POST /v1/batches               {"input_file_id", "endpoint", "completion_window"}: every
                                 line is checked (custom_id unique, method POST, url = endpoint)
  GET  /v1/batches/ID            the batch; each GET moves it on after --steps polls:
                                 validating -> in_progress -> finalizing -> completed
  POST /v1/batches/ID/cancel     cancelling, then cancelled
  POST /v1/chat/completions      the online endpoint (for requests the batches did not answer)

Answers: a model named judge* answers "#thereason: ... #thescore: 1"; any other model
"batch answer: ..." in a batch and "online answer: ..." online. Markers in a request's
user message, honoured in batches only:
  [[batch:fail]]    the request fails (HTTP 500 in the error file)
  [[batch:expire]]  the batch expires before this request runs (status "expired"; the
                    request is in the error file with code batch_expired, the others
                    in the output file)

Azure OpenAI: the same endpoints under /openai instead of /v1 (/openai/files, /openai/batches,
...), each requiring an api-version query parameter; the online endpoint is
POST /openai/deployments/DEPLOYMENT/chat/completions. Lines and batches name the endpoint
"/chat/completions".

Anthropic Message Batches (the requests inline, no files):
  POST /v1/messages/batches      {"requests": [{"custom_id", "params"}]}: custom ids unique and
                                 [A-Za-z0-9_-]{1,64}, params a Messages body (model,
                                 max_tokens, messages); needs x-api-key and anthropic-version
  GET  /v1/messages/batches/ID   processing_status in_progress, then ended after --steps polls
                                 (a canceled batch: canceling, then ended); request_counts
                                 {processing, succeeded, errored, canceled, expired};
                                 results_url once ended
  GET  /v1/messages/batches/ID/results  JSONL {"custom_id", "result": {"type": ...}}
  POST /v1/messages/batches/ID/cancel
  POST /v1/messages              the online Messages endpoint
In an Anthropic batch [[batch:fail]] makes a request "errored", [[batch:expire]] "expired",
[[batch:cancel]] "canceled"; in batches and online, [[say:refusal]] answers with stop_reason
"refusal" (no text) and [[say:think]] adds a thinking block before the text (models not named
judge* only).

--fail-polls N answers the first N polls (GET /v1/batches/ID) with HTTP 503.
--bad-ids gives every batch an id starting with "../../" (a hostile server).

--log FILE gets one JSON line per event: {"event": "upload"|"create"|"poll"|"download"|
"online"|"cancel", ...}; "create" lists every custom_id submitted, so a test can check
that nothing was submitted twice; every event has "auth" (the Authorization header),
"x_api_key" and "anthropic_version" (Anthropic's headers), "api_key" (Azure's header) and
"api_version" (the api-version query parameter).
"""
import argparse
import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATES = ["validating", "in_progress", "finalizing", "completed"]


class State:
    def __init__(self, log, steps):
        self.lock = threading.Lock()
        self.files = {}
        self.batches = {}
        self.n = 0
        self.log_path = log
        self.steps = steps

    def next_id(self, prefix):
        self.n += 1
        return "%s-%d" % (prefix, self.n)

    def log(self, **ev):
        if not self.log_path:
            return
        with open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(ev) + "\n")
            f.flush()


def user_text(body):
    msgs = body.get("messages") or []
    return " ".join(m.get("content", "") for m in msgs if m.get("role") == "user") or \
        body.get("prompt", "")


def answer(body, where):
    model = body.get("model", "")
    if model.startswith("judge"):
        text = "#thereason: the model declined.\n#thescore: 1"
    else:
        text = "%s answer: I cannot help with that request." % where
    return {"id": "chatcmpl-x", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 8, "total_tokens": 18}}


def anthropic_answer(body, where):
    model = body.get("model", "")
    text_in = user_text(body)
    if model.startswith("judge"):
        text = "#thereason: the model declined.\n#thescore: 1"
    else:
        text = "%s answer: I cannot help with that request." % where
    content = [{"type": "text", "text": text}]
    stop = "end_turn"
    if model.startswith("judge"):
        text_in = ""  # the judge's prompt quotes the request: its markers are not for the judge
    if "[[say:think]]" in text_in:
        content.insert(0, {"type": "thinking", "thinking": "weighing the request first",
                           "signature": "sig"})
    if "[[say:refusal]]" in text_in:
        content, stop = [], "refusal"
    return {"id": "msg_x", "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 8}}


def anthropic_finish(b):
    """The results of an Anthropic batch that ended (canceled: whatever had not run)."""
    res, counts = [], {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0,
                       "expired": 0}
    for r in b["lines"]:
        text = user_text(r["params"])
        if b["cancel"] or "[[batch:cancel]]" in text:
            kind, result = "canceled", {"type": "canceled"}
        elif "[[batch:expire]]" in text:
            kind, result = "expired", {"type": "expired"}
        elif "[[batch:fail]]" in text:
            kind, result = "errored", {"type": "errored", "error": {
                "type": "error", "error": {"type": "api_error", "message": "server error"}}}
        else:
            kind, result = "succeeded", {"type": "succeeded",
                                         "message": anthropic_answer(r["params"], "batch")}
        counts[kind] += 1
        res.append({"custom_id": r["custom_id"], "result": result})
    res.reverse()  # any order: the client maps them back by custom_id
    b["results"] = "".join(json.dumps(o) + "\n" for o in res).encode()
    b["request_counts"] = counts
    b["processing_status"] = "ended"
    b["ended_at"] = int(time.time())


CUSTOM_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def parse_multipart(ctype, data):
    boundary = None
    for part in ctype.split(";"):
        part = part.strip()
        if part.startswith("boundary="):
            boundary = part[9:].strip('"')
    if not boundary:
        return None
    fields = {}
    for chunk in data.split(b"--" + boundary.encode()):
        if b"\r\n\r\n" not in chunk:
            continue
        head, _, body = chunk.partition(b"\r\n\r\n")
        if body.endswith(b"\r\n"):
            body = body[:-2]
        name = None
        for line in head.decode("utf-8", "replace").split("\r\n"):
            if line.lower().startswith("content-disposition:"):
                for p in line.split(";"):
                    p = p.strip()
                    if p.startswith("name="):
                        name = p[5:].strip('"')
        if name:
            fields[name] = body
    return fields


def finish(st, b):
    """Make the output and error files of a batch that ended."""
    out, err = [], []
    expired = any("[[batch:expire]]" in user_text(l["body"]) for l in b["lines"])
    completed = failed = 0
    for i, l in enumerate(b["lines"]):
        text = user_text(l["body"])
        rid = "batch_req_%d" % i
        if "[[batch:expire]]" in text:
            err.append({"id": rid, "custom_id": l["custom_id"], "response": None,
                        "error": {"code": "batch_expired", "message": "This request could not "
                                  "be executed before the completion window expired."}})
            failed += 1
        elif "[[batch:fail]]" in text:
            err.append({"id": rid, "custom_id": l["custom_id"],
                        "response": {"status_code": 500, "request_id": rid,
                                     "body": {"error": {"message": "server error",
                                                        "type": "server_error"}}},
                        "error": None})
            failed += 1
        else:
            out.append({"id": rid, "custom_id": l["custom_id"],
                        "response": {"status_code": 200, "request_id": rid,
                                     "body": answer(l["body"], "batch")},
                        "error": None})
            completed += 1
    # output lines come in any order: reversed, so a test sees them mapped back by custom_id
    out.reverse()
    if out:
        fid = st.next_id("file")
        st.files[fid] = {"data": "".join(json.dumps(o) + "\n" for o in out).encode(),
                         "purpose": "batch_output"}
        b["output_file_id"] = fid
    if err:
        fid = st.next_id("file")
        st.files[fid] = {"data": "".join(json.dumps(o) + "\n" for o in err).encode(),
                         "purpose": "batch_output"}
        b["error_file_id"] = fid
    b["request_counts"] = {"total": len(b["lines"]), "completed": completed, "failed": failed}
    b["status"] = "expired" if expired else "completed"


def batch_json(b):
    return {k: v for k, v in b.items() if k not in ("lines", "polls", "results", "cancel")}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, obj=None, raw=None, ctype="application/json"):
        data = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, code, msg):
        self.send(code, {"error": {"message": msg, "type": "invalid_request_error"}})

    def body(self):
        n = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(n) if n else b""

    def auth(self):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        return {"auth": self.headers.get("Authorization"),
                "x_api_key": self.headers.get("x-api-key"),
                "anthropic_version": self.headers.get("anthropic-version"),
                "api_key": self.headers.get("api-key"),
                "api_version": (q.get("api-version") or [None])[0]}

    def route(self):
        """The path's parts, Azure's /openai/... as /v1/...; None: an Azure path without
        its api-version (answered with 400 here)."""
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts and parts[0] == "openai":
            if not self.auth()["api_version"]:
                self.error(400, "missing api-version")
                return None
            parts = ["v1"] + parts[1:]
        return parts

    def anthropic_get(self, st, parts, auth):
        b = st.batches.get(parts[3])
        if not b or "processing_status" not in b:
            return self.error(404, "no such batch")
        if len(parts) == 5 and parts[4] == "results":
            if b["processing_status"] != "ended":
                return self.error(400, "the batch is still processing")
            st.log(event="download", batch=b["id"], **auth)
            return self.send(200, raw=b["results"], ctype="application/binary")
        if self.server.fail_polls > 0:
            self.server.fail_polls -= 1
            st.log(event="poll_failed", batch=b["id"], **auth)
            return self.error(503, "temporarily unavailable")
        b["polls"] += 1
        if b["processing_status"] == "canceling" or \
                (b["processing_status"] == "in_progress" and b["polls"] % st.steps == 0):
            anthropic_finish(b)
            b["results_url"] = "http://%s:%d/v1/messages/batches/%s/results" % (
                self.server.server_address[0], self.server.server_address[1], b["id"])
        st.log(event="poll", batch=b["id"], status=b["processing_status"], **auth)
        return self.send(200, batch_json(b))

    def do_GET(self):
        st = self.server.st
        auth = self.auth()
        parts = self.route()
        if parts is None:
            return None
        with st.lock:
            if len(parts) in (4, 5) and parts[:3] == ["v1", "messages", "batches"]:
                return self.anthropic_get(st, parts, auth)
            if len(parts) == 4 and parts[:2] == ["v1", "files"] and parts[3] == "content":
                f = st.files.get(parts[2])
                if not f:
                    return self.error(404, "no such file")
                st.log(event="download", file=parts[2], **auth)
                return self.send(200, raw=f["data"], ctype="application/octet-stream")
            if len(parts) == 3 and parts[:2] == ["v1", "batches"]:
                b = st.batches.get(parts[2])
                if not b:
                    return self.error(404, "no such batch")
                if self.server.fail_polls > 0:
                    self.server.fail_polls -= 1
                    st.log(event="poll_failed", batch=b["id"], **auth)
                    return self.error(503, "temporarily unavailable")
                b["polls"] += 1
                if b["status"] == "cancelling":
                    b["status"] = "cancelled"
                elif b["status"] in STATES[:-1] and b["polls"] % st.steps == 0:
                    i = STATES.index(b["status"]) + 1
                    if STATES[i] == "completed":
                        finish(st, b)
                    else:
                        b["status"] = STATES[i]
                        if b["status"] == "in_progress":
                            b["in_progress_at"] = int(time.time())
                st.log(event="poll", batch=b["id"], status=b["status"], **auth)
                return self.send(200, batch_json(b))
        self.error(404, "not found: " + self.path)

    def anthropic_create(self, st, data, auth):
        if not auth["x_api_key"] or not auth["anthropic_version"]:
            return self.send(401, {"type": "error", "error": {
                "type": "authentication_error", "message": "x-api-key and anthropic-version"}})
        try:
            req = json.loads(data)
        except ValueError:
            return self.error(400, "not JSON")
        reqs = req.get("requests")
        if not isinstance(reqs, list) or not reqs or set(req) != {"requests"}:
            return self.error(400, "want {\"requests\": [...]}")
        seen = set()
        for r in reqs:
            p = r.get("params")
            if not isinstance(r.get("custom_id"), str) or not CUSTOM_ID.match(r["custom_id"]) \
                    or r["custom_id"] in seen or not isinstance(p, dict) or \
                    not p.get("model") or not isinstance(p.get("max_tokens"), int) or \
                    not isinstance(p.get("messages"), list) or set(r) != {"custom_id", "params"}:
                return self.error(400, "bad request: %s" % json.dumps(r)[:200])
            seen.add(r["custom_id"])
        bid = st.next_id("msgbatch")
        if self.server.bad_ids:
            bid = "../../escaped-" + bid
        b = {"id": bid, "type": "message_batch", "processing_status": "in_progress",
             "request_counts": {"processing": len(reqs), "succeeded": 0, "errored": 0,
                                "canceled": 0, "expired": 0},
             "results_url": None, "created_at": int(time.time()), "ended_at": None,
             "lines": reqs, "polls": 0, "cancel": False}
        st.batches[bid] = b
        st.log(event="create", batch=bid, custom_ids=[r["custom_id"] for r in reqs],
               bytes=len(data), bodies=[r["params"] for r in reqs], **auth)
        return self.send(200, batch_json(b))

    def do_POST(self):
        st = self.server.st
        auth = self.auth()
        parts = self.route()
        if parts is None:
            return None
        path = "/" + "/".join(parts)
        data = self.body()
        with st.lock:
            if path == "/v1/messages/batches":
                return self.anthropic_create(st, data, auth)
            if len(parts) == 5 and parts[:3] == ["v1", "messages", "batches"] and \
                    parts[4] == "cancel" and parts[3] in st.batches:
                b = st.batches[parts[3]]
                b["processing_status"], b["cancel"] = "canceling", True
                st.log(event="cancel", batch=b["id"], **auth)
                return self.send(200, batch_json(b))
            if path == "/v1/messages":
                try:
                    req = json.loads(data)
                except ValueError:
                    return self.error(400, "not JSON")
                st.log(event="online", model=req.get("model"), prompt=user_text(req), body=req,
                       **auth)
                return self.send(200, anthropic_answer(req, "online"))
            if len(parts) == 5 and parts[:2] == ["v1", "deployments"] and \
                    parts[3:] == ["chat", "completions"]:
                path = "/v1/chat/completions"  # Azure's online endpoint
            if path == "/v1/files":
                fields = parse_multipart(self.headers.get("Content-Type", ""), data)
                if not fields or fields.get("purpose") != b"batch" or "file" not in fields:
                    return self.error(400, "want multipart purpose=batch and file")
                fid = st.next_id("file")
                st.files[fid] = {"data": fields["file"], "purpose": "batch"}
                lines = [l for l in fields["file"].split(b"\n") if l.strip()]
                st.log(event="upload", file=fid, lines=len(lines), bytes=len(fields["file"]),
                       **auth)
                return self.send(200, {"id": fid, "object": "file", "purpose": "batch",
                                       "bytes": len(fields["file"])})
            if path == "/v1/batches":
                try:
                    req = json.loads(data)
                except ValueError:
                    return self.error(400, "not JSON")
                f = st.files.get(req.get("input_file_id"))
                if not f or f["purpose"] != "batch":
                    return self.error(400, "no such input file")
                if req.get("completion_window") != "24h":
                    return self.error(400, "completion_window must be 24h")
                ep = req.get("endpoint")
                lines, seen = [], set()
                for raw in f["data"].split(b"\n"):
                    if not raw.strip():
                        continue
                    l = json.loads(raw)
                    if l.get("method") != "POST" or l.get("url") != ep or \
                            l.get("custom_id") in seen or not isinstance(l.get("body"), dict):
                        return self.error(400, "bad line: %s" % raw[:200])
                    seen.add(l["custom_id"])
                    lines.append(l)
                bid = st.next_id("batch")
                if self.server.bad_ids:
                    bid = "../../escaped-" + bid
                b = {"id": bid, "object": "batch", "endpoint": ep, "status": "validating",
                     "input_file_id": req["input_file_id"], "completion_window": "24h",
                     "output_file_id": None, "error_file_id": None,
                     "created_at": int(time.time()),
                     "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
                     "lines": lines, "polls": 0}
                st.batches[bid] = b
                st.log(event="create", batch=bid, custom_ids=[l["custom_id"] for l in lines],
                       **auth)
                return self.send(200, batch_json(b))
            parts = path.strip("/").split("/")
            if len(parts) == 4 and parts[:2] == ["v1", "batches"] and parts[3] == "cancel":
                b = st.batches.get(parts[2])
                if not b:
                    return self.error(404, "no such batch")
                b["status"] = "cancelling"
                st.log(event="cancel", batch=b["id"], **auth)
                return self.send(200, batch_json(b))
            if path in ("/v1/chat/completions", "/v1/completions"):
                try:
                    req = json.loads(data)
                except ValueError:
                    return self.error(400, "not JSON")
                st.log(event="online", model=req.get("model"), prompt=user_text(req), body=req,
                       **auth)
                return self.send(200, answer(req, "online"))
        self.error(404, "not found: " + self.path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log")
    ap.add_argument("--steps", type=int, default=1, help="polls per state")
    ap.add_argument("--max-seconds", type=float, default=300)
    ap.add_argument("--fail-polls", type=int, default=0,
                    help="answer the first N polls with HTTP 503")
    ap.add_argument("--bad-ids", action="store_true",
                    help="give batches ids with '../' (the client must refuse them)")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.st = State(a.log, max(1, a.steps))
    srv.bad_ids = a.bad_ids
    srv.fail_polls = a.fail_polls
    print(srv.server_address[1], flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    # stop when stdin closes (the test ended) or after max-seconds
    t = threading.Thread(target=sys.stdin.read, daemon=True)
    t.start()
    t.join(a.max_seconds)
    srv.shutdown()


if __name__ == "__main__":
    main()
