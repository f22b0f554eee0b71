"""Secrets never reach a file or a message; headers cannot be injected; a key goes only where
it is sent on purpose (issue #15 items 2 and 3, #17 item 3)."""
import glob
from clitest import *

PASS = "CanaryPass7d1e"            # URL userinfo
QUERY = "CanaryQueryKey42f0"       # ?api-key=
HEADER = "sk-ant-CanaryHeader9b3"  # --header X-Custom:
JHEADER = "CanaryJudgeHdr55"       # --judge-header
KEY = "sk-CanaryEnvKey0a9c"        # OPENAI_API_KEY
CANARIES = (PASS, QUERY, HEADER, JHEADER, KEY)


def leaks(*texts, dirs=()):
    """Canaries found in the given texts and in every file under dirs (path: canary)."""
    found = []
    for i, t in enumerate(texts):
        found += ["text %d: %s" % (i, c) for c in CANARIES if c in t]
    for d in dirs:
        for path in glob.glob(os.path.join(d, "**"), recursive=True):
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    data = f.read()
                found += ["%s: %s" % (path, c) for c in CANARIES if c.encode() in data]
    return found


def stats(srv):
    import urllib.request
    with urllib.request.urlopen("http://127.0.0.1:%d/_stats" % srv.port, timeout=10) as f:
        return json.loads(f.read())


with TempDir() as tmp:
    # 1. every place a user could put a secret, one run; the server echoes the key it gets
    #    in some 401 answers, so error messages carry it too
    with TestServer("--fault-rate", "0.3", "--fault", "401echo", "--seed", "3") as srv:
        base = "http://user:%s@127.0.0.1:%d/v1?api-key=%s" % (PASS, srv.port, QUERY)
        out, cache = os.path.join(tmp, "run"), os.path.join(tmp, "cache")
        env = base_env(OPENAI_API_KEY=KEY)
        r = run(["run", "-m", "openai/m", "--base-url", base, "--api-key-env", "OPENAI_API_KEY",
                 "--header", "X-Custom: " + HEADER, "-j", "openai/judge", "--judge-base-url", base,
                 "--judge-header", "X-Judge: " + JHEADER, "--limit", "6", "--retries", "0",
                 "--cache", cache, "--out", out], env=env)
        check(r.rc in (0, 1) and os.path.exists(os.path.join(out, "run.json")),
              "a run with secrets in the URL, a header, the key variable", r)
        check(stats(srv)["auth_requests"] > 0, "the key was sent (the run really used it)")
        outs = [r.out, r.err]
        for fmt in ("md", "html", "csv", "json"):
            rr = run(["report", out, "--format", fmt])
            check(rr.rc == 0, "report --format " + fmt, rr)
            outs += [rr.out, rr.err]
        cfg = load_json(os.path.join(out, "run.json"))
        check("api-key=" in cfg["config"]["model"]["base_url"] and
              "127.0.0.1" in cfg["config"]["model"]["base_url"],
              "run.json keeps the URL's host and the query's names", cfg["config"]["model"])
        check(cfg["config"]["model"]["headers"]["X-Custom"] == "<redacted>",
              "run.json: a header value is redacted", cfg["config"]["model"])
        # the same folder again, with the URL from OPENAI_BASE_URL and --resume
        r2 = run(["run", "-m", "openai/m", "--api-key-env", "OPENAI_API_KEY", "--header",
                  "X-Custom: " + HEADER, "-j", "openai/judge", "--judge-header", "X-Judge: " + JHEADER,
                  "--limit", "6", "--retries", "0", "--cache", cache, "--out",
                  os.path.join(tmp, "env")],
                 env=base_env(OPENAI_API_KEY=KEY, OPENAI_BASE_URL=base))
        check(r2.rc in (0, 1), "the same through OPENAI_BASE_URL", r2)
        outs += [r2.out, r2.err]
        # a URL that fails before any request names no secret either
        bad = "ftp://user:%s@127.0.0.1/v1?api-key=%s" % (PASS, QUERY)
        r3 = run(["run", "-m", "openai/m", "--base-url", bad, "--limit", "1", "--out",
                  os.path.join(tmp, "bad")], env=env)
        check(r3.rc == 2, "a bad URL is a usage error", r3)
        outs += [r3.out, r3.err]
        found = leaks(*outs, dirs=(out, cache, os.path.join(tmp, "env")))
        check(not found, "no canary in any file of the run folders, the cache, stdout or stderr",
              found)

    # 2. header injection: CR/LF in a key, a header name or value is a usage error naming the
    #    variable or flag, never the value
    with TestServer() as srv:
        inj = "sk-Canary\r\nX-Injected: yes"
        r = run(["run", "-m", "openai/m", "--base-url", srv.url, "--api-key-env", "OPENAI_API_KEY",
                 "--limit", "1", "--out", os.path.join(tmp, "inj")],
                env=base_env(OPENAI_API_KEY=inj))
        check(r.rc == 2 and "OPENAI_API_KEY" in r.err and "Injected" not in r.err
              and "Canary" not in r.err, "a key with CR/LF: exit 2 naming the variable only", r)
        for flag in ("--header", "--judge-header"):
            args = ["run", "-m", "openai/m", "--base-url", srv.url, "--limit", "1", "--out",
                    os.path.join(tmp, "inj2"), flag, "X-A: sk-Canary\r\nX-Injected: yes"]
            if flag == "--judge-header":
                args += ["-j", "openai/j", "--judge-base-url", srv.url]
            r = run(args)
            check(r.rc == 2 and flag in r.err and "Canary" not in r.err and "Injected" not in r.err,
                  "%s with CR/LF: exit 2 naming the flag, not the value" % flag, r)
        check(stats(srv)["completions"] == 0, "no request reached the server", stats(srv))
        # blanks around a key are trimmed, with a warning
        r = run(["run", "-m", "openai/m", "--base-url", srv.url, "--api-key-env", "MY_KEY",
                 "--limit", "1", "--out", os.path.join(tmp, "trim"), "-q"],
                env=base_env(MY_KEY="  sk-trim-me-123 \n"))
        check(r.rc == 0 and "MY_KEY" in r.err and "trim" in r.err and "sk-trim" not in r.err,
              "blanks around a key: trimmed with a warning", r)
        check(stats(srv)["authorization"] == "Bearer sk-trim-me-123", "the trimmed key is sent",
              stats(srv))

    # 3. a server that is not OpenAI's gets OPENAI_API_KEY only when it is named
    with TestServer() as srv:
        r = run(["run", "-m", "openai/m", "--base-url", srv.url, "--limit", "2", "-q", "--out",
                 os.path.join(tmp, "k0")], env=base_env(OPENAI_API_KEY=KEY))
        s = stats(srv)
        check(r.rc == 0 and s["requests"] > 0 and s["auth_requests"] == 0,
              "a local server receives no Authorization header by default", (r, s))
        r = run(["run", "-m", "openai/m", "--base-url", srv.url, "--limit", "2", "-q", "--out",
                 os.path.join(tmp, "k1"), "--api-key-env", "OPENAI_API_KEY"],
                env=base_env(OPENAI_API_KEY=KEY))
        s = stats(srv)
        check(r.rc == 0 and s["auth_requests"] > 0 and s["authorization"] == "Bearer " + KEY,
              "--api-key-env OPENAI_API_KEY sends it", s)

    # 4. Anthropic's x-api-key and Azure's api-key (issue #21): the server echoes the key it got
    #    in some 401 answers (an Anthropic error body for /v1/messages); it is in no file or message
    AKEY, ZKEY = "sk-ant-CanaryAnthKey5c2", "CanaryAzureKey3d7e"
    with TestServer("--fault-rate", "0.3", "--fault", "401echo", "--seed", "5") as srv:
        env = base_env(ANTHROPIC_API_KEY=AKEY, AZURE_OPENAI_API_KEY=ZKEY)
        host = "http://127.0.0.1:%d" % srv.port
        outs, dirs = [], []
        for spec, var, judge in (("anthropic/m", "ANTHROPIC_API_KEY", "anthropic/j"),
                                 ("azure/dep", "AZURE_OPENAI_API_KEY", "azure/jdep")):
            out = os.path.join(tmp, spec.split("/")[0])
            r = run(["run", "-m", spec, "--base-url", host, "--api-key-env", var, "-j", judge,
                     "--judge-base-url", host, "--judge-api-key-env", var, "--limit", "6",
                     "--retries", "0", "--out", out], env=env)
            check(r.rc in (0, 1) and os.path.exists(os.path.join(out, "run.json")),
                  "a %s run whose server echoes the key in 401 answers" % spec, r)
            check(stats(srv)["authorization"].endswith(AKEY if var.startswith("ANTH") else ZKEY),
                  "%s: the key was sent" % spec)
            outs += [r.out, r.err]
            for fmt in ("md", "json"):
                rr = run(["report", out, "--format", fmt])
                outs += [rr.out, rr.err]
            dirs.append(out)
        found = [c for t in outs for c in (AKEY, ZKEY) if c in t]
        for d in dirs:
            for path in glob.glob(os.path.join(d, "**"), recursive=True):
                if os.path.isfile(path):
                    with open(path, "rb") as f:
                        data = f.read()
                    found += ["%s: %s" % (path, c) for c in (AKEY, ZKEY) if c.encode() in data]
        check(not found, "no Anthropic or Azure key in any file of the runs, stdout or stderr",
              found)
