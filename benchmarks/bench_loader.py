"""Time to read a stack file near gcmod's size limit (gcmod.loader.MAX_BYTES).

Usage: python benchmarks/bench_loader.py

Builds stack files of growing size (tenants as ``gcmod new`` writes them) and
times :func:`gcmod.loader.parse_yaml` against PyYAML's libyaml loader alone.
"""

from __future__ import annotations

import os
import time

import yaml

from gcmod.loader import MAX_BYTES, parse_yaml


def main() -> None:
    chunk = "".join(
        f'    - name: 市{n}\n      code: "{n:06d}"\n      population: {n}\n' for n in range(100)
    )
    print(f"load average {os.getloadavg()}, limit {MAX_BYTES / 2**20:g} MiB")
    for share in (0.1, 0.5, 1.0):
        text = "config:\n  gcmod:tenants:\n"
        while len(text.encode()) + len(chunk.encode()) < share * MAX_BYTES:
            text += chunk
        t0 = time.perf_counter()
        parse_yaml(text, "bench")
        ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        plain = time.perf_counter() - t0
        print(
            f"{len(text.encode()) / 2**20:.2f} MiB, {text.count('name:'):,} tenants: "
            f"parse_yaml {ours:.2f} s, libyaml alone {plain:.2f} s"
        )


if __name__ == "__main__":
    main()
