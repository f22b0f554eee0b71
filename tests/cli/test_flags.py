"""medsafety run: the flags of the HTTP, replay and runner settings that once only the
configuration file could set. Each reaches the merged configuration (--print-config) and,
for HTTP, the requests a server receives; each overrides the file; a bad value is one line,
exit 2; each is documented in docs/cli.md and docs/medsafety.1."""
import http.server
import threading

from clitest import *


def printed(args, cfg_file=None):
    r = run(["run"] + (["--config", cfg_file] if cfg_file else []) + args + ["--print-config"])
    check(r.rc == 0, "--print-config with %s" % " ".join(args), r)
    return json.loads(r.out)


def at(cfg, path):
    """The value at a dotted path; "judge.x" is the (first) judge's x, list or not."""
    for p in path.split("."):
        if isinstance(cfg, list):
            cfg = cfg[int(p)] if p.isdigit() else cfg[0][p]
        else:
            cfg = cfg[p]
    return cfg


# every flag lands at its key, typed
cases = [
    (["--connect-timeout", "2.5"], "model.connect_timeout", 2.5),
    (["--timeout", "30"], "model.timeout", 30.0),
    (["--backoff", "0.25"], "model.backoff", 0.25),
    (["--backoff-max", "12"], "model.backoff_max", 12.0),
    (["--retries", "0"], "model.retries", 0),
    (["--omit-temperature"], "model.omit_temperature", True),
    (["--no-omit-temperature"], "model.omit_temperature", False),
    (["--use-max-completion-tokens"], "model.use_max_completion_tokens", True),
    (["--no-use-max-completion-tokens"], "model.use_max_completion_tokens", False),
    (["--tls-verify"], "model.tls_verify", True),
    (["--no-tls-verify"], "model.tls_verify", False),
    (["--http2"], "model.http2", True),
    (["--no-http2"], "model.http2", False),
    (["--ca-file", "/etc/my-ca.pem"], "model.ca_file", "/etc/my-ca.pem"),
    (["--ca-path", "/etc/my-certs"], "model.ca_path", "/etc/my-certs"),
    (["--judge-ca-file", "/etc/j-ca.pem"], "judge.ca_file", "/etc/j-ca.pem"),
    (["--judge-ca-path", "/etc/j-certs"], "judge.ca_path", "/etc/j-certs"),
    (["--api-version", "2024-06-01"], "model.api_version", "2024-06-01"),
    (["--judge-api-version", "2023-06-01"], "judge.api_version", "2023-06-01"),
    (["--replay-text", "I cannot help with that."], "model.replay_text", "I cannot help with that."),
    (["--run-retries", "3"], "run.retries", 3),
    (["--judge-tokens-per-minute", "9000"], "judge.tokens_per_minute", 9000.0),
    (["--judge-max-in-flight", "4"], "judge.max_in_flight", 4),
    # every header value is redacted but those of harmless names (core/redact.c)
    (["--judge-header", "X-Team: safety"], "judge.headers.X-Team", "<redacted>"),
    (["--judge-header", "OpenAI-Beta: v2"], "judge.headers.OpenAI-Beta", "v2"),
    (["--judge-endpoint", "completions"], "judge.endpoint", "completions"),
    (["--judge-prompt-format", "mistral"], "judge.prompt_format", "mistral"),
    (["--judge-connect-timeout", "1.5"], "judge.connect_timeout", 1.5),
    (["--judge-backoff", "0.1"], "judge.backoff", 0.1),
    (["--judge-backoff-max", "7"], "judge.backoff_max", 7.0),
    (["--judge-omit-temperature"], "judge.omit_temperature", True),
    (["--judge-no-omit-temperature"], "judge.omit_temperature", False),
    (["--judge-use-max-completion-tokens"], "judge.use_max_completion_tokens", True),
    (["--judge-no-use-max-completion-tokens"], "judge.use_max_completion_tokens", False),
    (["--judge-tls-verify"], "judge.tls_verify", True),
    (["--judge-no-tls-verify"], "judge.tls_verify", False),
    (["--judge-http2"], "judge.http2", True),
    (["--judge-no-http2"], "judge.http2", False),
]
for args, path, want in cases:
    got = at(printed(args), path)
    check(got == want and type(got) == type(want), "%s -> %s = %r" % (" ".join(args), path, want), got)

# --judge-* reach every judge of a jury
cfg = printed(["-j", "openai/a", "-j", "openai/b", "--judge-header", "X-K: 1", "--judge-no-http2"])
check([j["headers"] for j in cfg["judge"]] == [{"X-K": "<redacted>"}] * 2
      and [j["http2"] for j in cfg["judge"]] == [False, False], "--judge-* apply to each judge", cfg)

with TempDir() as tmp:
    # flags override the file, in both directions for the switches
    f = os.path.join(tmp, "http.yaml")
    with open(f, "w") as fh:
        fh.write("model:\n  spec: openai/m\n  omit_temperature: true\n  tls_verify: false\n"
                 "  connect_timeout: 9\n  backoff: 2\njudge:\n  spec: openai/j\n  http2: false\n"
                 "  headers:\n    Accept-Language: a\nrun:\n  retries: 1\n")
    cfg = printed(["--no-omit-temperature", "--tls-verify", "--connect-timeout", "4", "--backoff",
                   "0.5", "--judge-http2", "--judge-header", "X-Title: b", "--run-retries", "2"], f)
    m, j = cfg["model"], cfg["judge"]
    check(m["omit_temperature"] is False and m["tls_verify"] is True and m["connect_timeout"] == 4.0
          and m["backoff"] == 0.5 and j["http2"] is True and cfg["run"]["retries"] == 2,
          "flags override the file's values", cfg)
    check(j["headers"] == {"Accept-Language": "a", "X-Title": "b"}, "--judge-header adds to the file's headers", j)

# bad values: one line, exit 2, naming the flag
bad = [
    (["--connect-timeout", "0"], "--connect-timeout: model.connect_timeout: must be between"),
    (["--connect-timeout", "soon"], "--connect-timeout: model.connect_timeout: expected a number"),
    (["--backoff", "-1"], "--backoff: model.backoff: must be between"),
    (["--backoff-max", "x"], "--backoff-max: model.backoff_max: expected a number"),
    (["--run-retries", "101"], "--run-retries: run.retries: must be between 0 and 100"),
    (["--run-retries", "two"], "--run-retries: run.retries: expected an integer"),
    (["--judge-header", "nocolon"], "--judge-header wants 'Name: value'"),
    (["--judge-endpoint", "chat2"], "judge.0.endpoint: expected one of chat|completions"),
    (["--judge-prompt-format", "alpaca"], "judge.0.prompt_format: expected one of"),
    (["--judge-max-in-flight", "0"], "--judge-max-in-flight: judge.0.max_in_flight: must be between"),
    (["--judge-backoff", "0"], "--judge-backoff: judge.0.backoff: must be between"),
    (["--judge-connect-timeout", "x"], "judge.0.connect_timeout: expected a number"),
    (["--judge-tokens-per-minute", "-5"], "judge.0.tokens_per_minute: must be between"),
    (["--no-http2=yes"], "option '--no-http2' takes no value"),
    (["--judge-omit-temperature=1"], "option '--judge-omit-temperature' takes no value"),
    (["--replay-text"], "option '--replay-text' needs a value"),
]
for args, want in bad:
    r = run(["run"] + args)
    check(r.rc == 2 and one_line(r.err) and want in r.err and r.out == "",
          "%s: exit 2, one line with %r" % (" ".join(args), want), r)

# the documentation names every flag
doc = open(os.path.join(SOURCE_ROOT, "docs", "cli.md"), encoding="utf-8").read()
man = open(os.path.join(SOURCE_ROOT, "docs", "medsafety.1"), encoding="utf-8").read()
helptext = run(["run", "--help"]).out
for args, _, _ in cases:
    flag = args[0]
    roff = flag.replace("-", "\\-")
    short = flag.replace("--no-", "--").replace("--judge-no-", "--judge-")
    roff_any = [roff, roff.replace("\\-\\-no\\-", "\\-\\-[no\\-]"),
                roff.replace("\\-\\-judge\\-no\\-", "\\-\\-judge\\-[no\\-]"),
                roff.replace("\\-\\-judge\\-", "\\-\\-judge\\-[no\\-]", 1),
                roff.replace("\\-\\-", "\\-\\-[no\\-]", 1)]
    check("`%s" % flag in doc, "docs/cli.md documents %s" % flag)
    check(any(x in man for x in roff_any), "docs/medsafety.1 documents %s" % flag)
    check(flag in helptext or short.replace("--judge-", "--judge-[no-]") in helptext
          or short.replace("--", "--[no-]", 1) in helptext, "run --help names %s" % flag)


# the settings reach the HTTP requests: a server of our own records them
class Recorder(http.server.BaseHTTPRequestHandler):
    seen = []
    lock = threading.Lock()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with Recorder.lock:
            Recorder.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        if self.path.endswith("/completions") and "prompt" in body:
            reply = {"choices": [{"text": "#thescore: 1", "finish_reason": "stop"}]}
        else:
            reply = {"choices": [{"message": {"role": "assistant", "content": "I can't help."},
                                  "finish_reason": "stop"}]}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
threading.Thread(target=srv.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d/v1" % srv.server_address[1]
try:
    with TempDir() as tmp:
        out = os.path.join(tmp, "h")
        r = run(["run", "--limit", "2", "-m", "openai/target", "--base-url", url, "--no-http2",
                 "--header", "X-Model: m1", "--omit-temperature", "--use-max-completion-tokens",
                 "--connect-timeout", "5", "--backoff", "0.1", "--run-retries", "1",
                 "-j", "openai/judge", "--judge-base-url", url, "--judge-endpoint", "completions",
                 "--judge-header", "X-Judge: j1", "--judge-no-http2", "--judge-backoff-max", "1",
                 "--out", out, "-q"])
        check(r.rc == 0 and len(records(out)) == 2, "a run against the recording server", r)
        model = [s for s in Recorder.seen if s[0].endswith("/chat/completions")]
        judge = [s for s in Recorder.seen if s[0].endswith("/v1/completions")]
        check(len(model) == 2 and len(judge) == 2, "two model and two judge requests",
              [s[0] for s in Recorder.seen])
        check(all(h.get("x-model") == "m1" and "x-judge" not in h for _, h, _ in model),
              "--header reaches the model's requests only", model[0][1])
        check(all(h.get("x-judge") == "j1" and "x-model" not in h for _, h, _ in judge),
              "--judge-header reaches the judge's requests only", judge[0][1])
        check(all("temperature" not in b and "max_completion_tokens" in b and "max_tokens" not in b
                  for _, _, b in model), "--omit-temperature, --use-max-completion-tokens: the body",
              model[0][2])
        check(all("prompt" in b and "messages" not in b and "temperature" in b for _, _, b in judge),
              "--judge-endpoint completions: the judge sends a prompt; its temperature stays", judge[0][2])
        info = load_json(os.path.join(out, "run.json"))
        check(info["options"]["retries"] == 1, "--run-retries reaches the runner's options",
              info["options"])
finally:
    srv.shutdown()
