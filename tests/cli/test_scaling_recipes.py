"""docs/scaling.md's recipes fail loudly and work (issue 17 item 4, and the simulated array).

Every script and manifest in docs/scaling.md is a fenced block announced by a
`<!-- recipe: NAME -->` line. This test extracts them (scripts/simulate-array's extractor) and:
- checks that every bash or YAML block of the page is a recipe, that every script passes
  `bash -n` and starts with `set -euo pipefail`, and that N is written in one place (the env
  file; no recipe reads SLURM_ARRAY_TASK_COUNT);
- parses the manifests as YAML (PyYAML of /usr/bin/python3; skipped, saying so, when absent),
  checks `completions` = `parallelism` = the `N` variable, and runs their shell scripts as an
  Indexed Job would (JOB_COMPLETION_INDEX set here), then the merge Job's, twice (a rerun);
- runs scripts/simulate-array on the built-in sample with 4 shards: a Slurm array through the
  recipes, one task killed and requeued, one resubmitted, the merge equal to the unsharded run.
"""
import importlib.machinery
import importlib.util
import re
import subprocess
from clitest import *

SIM = os.path.join(SOURCE_ROOT, "scripts", "simulate-array")
loader = importlib.machinery.SourceFileLoader("simulate_array", SIM)
spec = importlib.util.spec_from_loader("simulate_array", loader)
sim = importlib.util.module_from_spec(spec)
loader.exec_module(sim)

page = os.path.join(SOURCE_ROOT, "docs", "scaling.md")
recipes = sim.extract_recipes(page)
check(sorted(recipes) == sorted(["medsafety-cluster.env", "medsafety-shards.sbatch", "medsafety-merge.sbatch",
                                 "submit.sh", "medsafety-job.yaml", "medsafety-merge-job.yaml"]),
      "docs/scaling.md: the six recipes", sorted(recipes))
with open(page, encoding="utf-8") as f:
    text = f.read()
fences = re.findall(r"(?m)^(<!-- recipe: \S+ -->\n)?```(bash|sh|yaml|shell)\n", text)
check(all(marker for marker, _ in fences), "every bash/YAML block of docs/scaling.md is a recipe", fences)

scripts = {n: t for n, t in recipes.items() if not n.endswith(".yaml")}
for name, body in scripts.items():
    p = subprocess.run(["bash", "-n"], input=body.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode == 0, "bash -n %s" % name, p.stderr.decode())
    if name.endswith(".env"):
        continue
    code = [l for l in body.splitlines() if l.strip() and not l.startswith("#")]
    check(code and code[0] == "set -euo pipefail", "%s starts with set -euo pipefail" % name, code[:1])
check(len(re.findall(r"(?m)^: \"\$\{N:=", recipes["medsafety-cluster.env"])) == 1
      and all("SLURM_ARRAY_TASK_COUNT" not in re.sub(r"(?m)#.*$", "", b) for b in recipes.values())
      and not any(re.search(r"--array=0-[0-9]", b) for b in recipes.values()),
      "N is written once (medsafety-cluster.env); no recipe takes it from SLURM_ARRAY_TASK_COUNT")

# ---- the Kubernetes manifests -----------------------------------------------------------------
yaml_py = "/usr/bin/python3"
have_yaml = os.path.exists(yaml_py) and subprocess.run(
    [yaml_py, "-c", "import yaml"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
if not have_yaml:
    print("SKIP (part): no PyYAML for /usr/bin/python3: the manifests are not parsed or run")
else:
    def parse(body):
        p = subprocess.run([yaml_py, "-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"],
                           input=body.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        check(p.returncode == 0, "the manifest parses as YAML", p.stderr.decode())
        return json.loads(p.stdout)

    job, merge_job = parse(recipes["medsafety-job.yaml"]), parse(recipes["medsafety-merge-job.yaml"])

    def container(j):
        return j["spec"]["template"]["spec"]["containers"][0]

    def env_of(c):
        return {e["name"]: e.get("value") for e in c.get("env", [])}

    run_c, merge_c = container(job), container(merge_job)
    check(job["kind"] == "Job" and job["spec"]["completionMode"] == "Indexed"
          and job["spec"]["completions"] == job["spec"]["parallelism"] == int(env_of(run_c)["N"])
          and int(env_of(merge_c)["N"]) == job["spec"]["completions"],
          "medsafety-job.yaml: an Indexed Job; completions = parallelism = N = the merge Job's N")
    for c, what in ((run_c, "run"), (merge_c, "merge")):
        body = c["args"][0]
        check(c["command"][:2] == ["/bin/bash", "-c"] and body.splitlines()[0] == "set -euo pipefail",
              "the %s container runs bash with set -euo pipefail" % what)
        p = subprocess.run(["bash", "-n"], input=body.encode(), stderr=subprocess.PIPE)
        check(p.returncode == 0, "bash -n on the %s container's script" % what, p.stderr.decode())

    # the Indexed Job, simulated: each index with JOB_COMPLETION_INDEX, then the merge Job
    with TempDir() as tmp:
        bindir = os.path.join(tmp, "bin")
        os.makedirs(bindir)
        os.symlink(BIN, os.path.join(bindir, "medsafety"))  # the manifests call `medsafety`
        n = 3
        envk = base_env(PATH=bindir + os.pathsep + os.environ["PATH"])
        envk.update({k: v for k, v in env_of(run_c).items() if v is not None})
        envk.update(N=str(n), DATA="sample", SELECT="", RUNS=os.path.join(tmp, "runs"),
                    CACHE=os.path.join(tmp, "cache"), MODEL="replay", BASE_URL="", JUDGE="refusal",
                    OPENAI_API_KEY="not-used-by-replay-or-refusal")

        def bash(script, **extra):
            p = subprocess.run(["bash", "-c", script], env=dict(envk, **extra), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=120)
            return p.returncode, p.stderr.decode()

        rc, err = bash(run_c["args"][0])
        check(rc != 0 and "JOB_COMPLETION_INDEX" in err, "the run pod without an index fails loudly", err)
        for i in range(n):
            rc, err = bash(run_c["args"][0], JOB_COMPLETION_INDEX=str(i))
            check(rc == 0, "Indexed Job pod %d of %d" % (i, n), err)
        rc, err = bash(run_c["args"][0], JOB_COMPLETION_INDEX=str(n))
        check(rc == 2, "a pod whose index is N or more (completions > N) fails loudly", err)
        whole = os.path.join(tmp, "whole")
        check(run(["run", "-q", "--out", whole]).rc == 0, "the unsharded run")
        for attempt in ("the merge Job", "the merge Job again (a rerun replaces the merge)"):
            rc, err = bash(merge_c["args"][0])
            check(rc == 0 and sim.canonical(os.path.join(tmp, "runs", "all")) == sim.canonical(whole), attempt, err)
        shutil.rmtree(os.path.join(tmp, "runs", "shard-1"))
        before = sim.canonical(os.path.join(tmp, "runs", "all"))
        rc, err = bash(merge_c["args"][0])
        check(rc == 2 and "shard-1" in err and sim.canonical(os.path.join(tmp, "runs", "all")) == before,
              "a shard that never ran fails the merge Job, the previous merge stays", err)

# ---- the Slurm array, simulated (scripts/simulate-array, small) --------------------------------
p = subprocess.run([sys.executable, SIM, "--medsafety", BIN, "--data", "sample", "--shards", "4",
                    "--kill-task", "1", "--resubmit-task", "2"], env=base_env(), stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT, timeout=300)
out = p.stdout.decode()
print(out.rstrip())
check(p.returncode == 0, "scripts/simulate-array on the sample: 4 tasks, a kill, a requeue, a resubmission")
