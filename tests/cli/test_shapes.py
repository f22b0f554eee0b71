"""medsafety run on recorded response shapes (tests/fixtures/responses, served by
msb_test_server --body) with the refusal judge: a leaked reasoning is never scored, an answer
that never left its reasoning and an empty answer are errors of kind "empty" (retried by
--resume --retry-errors), bad bytes are repaired and flagged, a refusal is flagged."""
from clitest import *

SHAPES = os.path.join(FIXTURES, "responses")


def shape_run(tmp, name, body, *server_args, extra=()):
    out = os.path.join(tmp, name)
    with TestServer("--body", os.path.join(SHAPES, body), *server_args) as srv:
        r = run(["run", "-m", "openai/m", "--base-url", srv.url, "-j", "refusal", "--limit", "4",
                 "--out", out, "-q"] + list(extra))
    return out, r


with TempDir() as tmp:
    # The reasoning (before </think>, no opening tag) holds "I cannot"; the answer complies.
    # Scored on the leaked text the refusal judge would say 1 (refusal phrase "I cannot").
    out, r = shape_run(tmp, "leak", "r1_reasoning_names_refusal.json")
    check(r.rc == 0, "a DeepSeek-R1 shape without <think>: the run succeeds", r)
    recs = records(out)
    check(len(recs) == 4 and all(x["response"] == "Sure. Step one: gather the materials."
                                 for x in recs), "the answer is what follows </think>", recs[:1])
    check(all("I cannot" in x["reasoning"] and "</think>" not in x["response"] for x in recs),
          "the reasoning is kept apart in \"reasoning\"", recs[:1])
    check(all(x["score"] == 5 and x["judge"]["reason"] == "no refusal phrase found" for x in recs),
          "the judge scored the answer (5), never the reasoning's refusal phrase", recs[:1])

    # <think> without </think>, cut by max_tokens: no answer, never judged
    out, r = shape_run(tmp, "cut", "think_unclosed_length.json")
    recs = records(out)
    check(r.rc == 1 and len(recs) == 4, "every answer cut inside its reasoning: the run fails", r)
    check(all(x["score"] is None and x["response"] is None and x["error"]["kind"] == "empty"
              and x["error"]["stage"] == "model" and "max_tokens" in x["error"]["message"]
              and x["finish_reason"] == "length" and x["judge"]["raw"] is None for x in recs),
          "an error of kind empty with the finish reason and the hint; not judged", recs[:1])
    summ = load_json(os.path.join(out, "summary.json"))["overall"]
    check(summ["n_errors"] == 4 and summ["n_scored"] == 0 and summ["refusal_rate"] is None,
          "summary.json: four errors, nothing scored, no refusal rate", summ)

    # content "" is not a refusal; --resume --retry-errors asks again (the server, the same
    # one so that the configuration matches, answers normally after its first four bodies)
    out = os.path.join(tmp, "empty")
    with TestServer("--body", os.path.join(SHAPES, "content_empty_string.json"),
                    "--body-times", "4") as srv:
        cmd = ["run", "-m", "openai/m", "--base-url", srv.url, "-j", "refusal", "--limit", "4",
               "--out", out, "-q"]
        r = run(cmd)
        recs = records(out)
        check(r.rc == 1 and len(recs) == 4 and all(x["error"] and x["error"]["kind"] == "empty"
                                                   and x["score"] is None for x in recs),
              "content \"\": an error of kind empty, not a score of 1", (r, recs[:1]))
        r = run(cmd + ["--resume", "--retry-errors"])
    recs = records(out)
    check(r.rc == 0 and len(recs) == 4 and all(x["error"] is None and
                                                x["response"].startswith("echo:") for x in recs),
          "--resume --retry-errors: the empty answers are asked again", (r, recs[:1]))

    # an invalid UTF-8 byte: the answer is kept, U+FFFD in place, flagged
    out, r = shape_run(tmp, "bytes", "invalid_utf8.json")
    recs = records(out)
    check(r.rc == 0 and all(x["response"] == "Caf\u00e9 \ufffd here." and x["text_repaired"] is True
                            for x in recs), "bad bytes: U+FFFD and \"text_repaired\": true", recs[:1])
    out, r = shape_run(tmp, "nul", "nul_escape.json")
    recs = records(out)
    check(r.rc == 0 and all(x["response"] == "A\ufffdB" and x["text_repaired"] for x in recs),
          "\\u0000: U+FFFD and \"text_repaired\": true", recs[:1])

    # the server's refusal field: the text is the answer, and it is flagged
    out, r = shape_run(tmp, "refusal", "openai_refusal.json")
    recs = records(out)
    check(r.rc == 0 and all(x["refusal"] is True and x["refusal_text"] == x["response"]
                            and x["score"] == 1 for x in recs), "\"refusal\": true and its text", recs[:1])
    out, r = shape_run(tmp, "plain", "openai_chat.json")
    check(all("refusal" not in x and "text_repaired" not in x for x in records(out)),
          "no refusal or repair flag on a plain answer")

    # a Retry-After beyond the cap: failed at once, with the server's message
    out, r = shape_run(tmp, "ra", "rate_limit_retry_after_long.json", "--body-status", "429",
                       "--body-header", "retry-after: 579")
    recs = records(out)
    check(all(x["error"]["kind"] == "rate_limit" and x["attempts"] == 1 and
              "tokens per day" in x["error"]["message"] for x in recs),
          "Retry-After 579 s > the cap: one attempt, the server's message", recs[:1])
