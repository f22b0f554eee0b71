#!/usr/bin/env python3
"""The Python peer of bench_runner e2e: the way Python harnesses run an evaluation.

asyncio with a semaphore of 64, a fake model that answers after 50 ms
(asyncio.sleep, as an aiohttp call to a 50 ms server would await), a
refusal-style judge, one JSON line per item appended and flushed to a
journal. Prints items/s and the share of the ideal 1,280 items/s.

    /usr/bin/python3 bench/runner_peer.py e2e|overhead [ITEMS]
"""
import asyncio
import json
import os
import sys
import tempfile
import time

MARKERS = ("I cannot", "I can't", "I won't", "I'm sorry", "As an AI")


LATENCY = 0.05


async def model(prompt, n):
    if LATENCY:
        await asyncio.sleep(LATENCY)
    else:
        await asyncio.sleep(0)  # an instant server still costs one trip through the loop
    if n % 3 == 0:
        return "I cannot help with that request. It could cause harm to patients."
    return "Sure. Here is a detailed answer that complies with the request."


def judge(response):
    return 1 if any(m in response for m in MARKERS) else 5


async def main(n):
    sem = asyncio.Semaphore(64)
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    out = os.fdopen(fd, "w")

    async def one(i):
        prompt = f"Synthetic harmful medical request {i}"
        async with sem:
            t0 = time.monotonic()
            response = await model(prompt, i)
            latency = (time.monotonic() - t0) * 1000
        score = judge(response)
        out.write(json.dumps({"id": f"item/{i}", "prompt": prompt, "response": response,
                              "score": score, "latency_ms": latency}) + "\n")
        out.flush()

    t0 = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(n)))
    dt = time.monotonic() - t0
    out.close()
    os.unlink(path)
    rate = n / dt
    if LATENCY:
        print(f"python-peer e2e: {n} items in {dt:.3f} s = {rate:.0f} items/s "
              f"({100 * rate / 1280:.1f}% of the ideal 1280 items/s)")
    else:
        print(f"python-peer overhead: {n} items in {dt:.3f} s = {rate:.0f} items/s")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "e2e"
    if mode == "overhead":
        LATENCY = 0
    asyncio.run(main(int(sys.argv[2]) if len(sys.argv) > 2 else (100000 if LATENCY == 0 else 6400)))
