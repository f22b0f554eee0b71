#!/usr/bin/python3
"""The Python side of bench/http_throughput: the same load (N requests in
flight against msb_test_server) from an asyncio + aiohttp client, for
comparison. Run by http_throughput under /usr/bin/python3 (Debian's
python3-aiohttp); prints one JSON line."""
import argparse
import asyncio
import json
import resource
import time

import aiohttp


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


async def run(url, n, total, warmup):
    connector = aiohttp.TCPConnector(limit=n, limit_per_host=n, force_close=False)
    timeout = aiohttp.ClientTimeout(total=60)
    errors = 0
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        async def one(i):
            nonlocal errors
            body = {"model": "bench", "messages": [{"role": "user", "content": f"bench request {i}"}],
                    "max_tokens": 16, "temperature": 0}
            async with session.post(url, json=body) as r:
                data = await r.json()
                if r.status != 200 or not data["choices"][0]["message"]["content"]:
                    errors += 1

        async def worker(counter, limit):
            while True:
                i = counter[0]
                if i >= limit:
                    return
                counter[0] = i + 1
                await one(i)

        await asyncio.gather(*[worker([0], 1) for _ in range(warmup)])
        counter = [0]
        c0, t0 = cpu_seconds(), time.perf_counter()
        await asyncio.gather(*[worker(counter, total) for _ in range(n)])
        t1, c1 = time.perf_counter(), cpu_seconds()
    wall = t1 - t0
    return {"n": n, "requests": total, "errors": errors, "wall_s": wall,
            "throughput": total / wall, "cpu_us_per_request": (c1 - c0) * 1e6 / total}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--requests", type=int, required=True)
    a = p.parse_args()
    print(json.dumps(asyncio.run(run(a.url, a.n, a.requests, a.n))), flush=True)


if __name__ == "__main__":
    main()
