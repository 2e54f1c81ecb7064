#!/usr/bin/env python3
"""Seed inputs for the fuzz targets (fuzz/README.md), from examples/ and the
shared corpus (../shared/corpus when present), into OUT/<target>/.

Each target's input format is its function's in
crates/eksplane_fuzzing/src/targets.rs: `parse` and `load` take a whole file;
`kinds`, `aws_auth`, `aws_json` take a selector byte then a body;
`network_plan` and `workload_profile` take a document without its apiVersion
and kind lines; `config` a `.eksplane.yaml`; `max_pods_expression` an
expression.

Usage: scripts/fuzz-seeds.py OUT
"""

import hashlib
import json
import os
import re
import sys

import yaml  # PyYAML: only to find aws-auth's embedded strings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = [
    os.path.join(ROOT, "examples"),
    os.path.join(ROOT, "crates", "eksplane_rules", "tests", "fixtures"),
    os.path.join(ROOT, "docs"),
    os.path.join(ROOT, "..", "shared", "corpus"),
]
TARGETS = os.path.join(ROOT, "crates", "eksplane_fuzzing", "src", "targets.rs")
# Seeds larger than this slow every execution down; the fuzzer grows
# inputs itself.
MAX_SEED = 64 * 1024


def table(name):
    """A const table of targets.rs, as a list of tuples of strings."""
    src = open(TARGETS, encoding="utf-8").read()
    body = src.split(f"pub const {name}:", 1)[1].split("];", 1)[0]
    if "(" in body:
        return re.findall(r'\("([^"]*)", "([^"]*)"\)', body)
    return re.findall(r'"([^"]*)"', body.split("= &[", 1)[1])


KINDS = table("KINDS")
AWS_SHAPES = table("AWS_SHAPES")


def write(out, target, data):
    if len(data) > MAX_SEED or not data:
        return
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def files():
    """(path, bytes) of every input file, and of every YAML block of the
    Markdown documentation."""
    for base in SOURCES:
        for dirpath, _, names in os.walk(base):
            for n in sorted(names):
                path = os.path.join(dirpath, n)
                if n.endswith((".yaml", ".yml", ".json")):
                    yield path, open(path, "rb").read()
                elif n.endswith(".md"):
                    text = open(path, "rb").read()
                    for i, block in enumerate(re.findall(rb"```ya?ml\n(.*?)```", text, re.S)):
                        yield f"{path}#{i}.yaml", block


HEADER = re.compile(rb"^(apiVersion|kind):[^\n]*\n", re.M)


def documents(text):
    return re.split(rb"(?m)^---[^\n]*\n", text)


def main(out):
    for path, data in files():
        write(out, "parse", data)
        write(out, "load", data)
        if os.path.basename(path) in (".eksplane.yaml", "eksplane.yaml"):
            write(out, "config", data)
        if path.endswith(".json"):
            try:
                doc = json.loads(data)
            except ValueError:
                doc = None
            if isinstance(doc, dict):
                for key, value in doc.items():
                    if key in AWS_SHAPES:
                        body = json.dumps(value, indent=2).encode()
                        write(out, "aws_json", bytes([AWS_SHAPES.index(key)]) + body)
            continue
        for raw in documents(data):
            api = re.search(rb"^apiVersion:\s*(\S+)", raw, re.M)
            kind = re.search(rb"^kind:\s*(\S+)", raw, re.M)
            if not api or not kind:
                continue
            pair = (api.group(1).decode(errors="replace").strip("'\""),
                    kind.group(1).decode(errors="replace").strip("'\""))
            body = HEADER.sub(b"", raw)
            if pair in KINDS:
                write(out, "kinds", bytes([KINDS.index(pair)]) + body)
            if pair[1] == "NetworkPlan":
                write(out, "network_plan", body)
            if pair[1] == "WorkloadProfile":
                write(out, "workload_profile", body)
            if pair[1] == "ConfigMap" and b"aws-auth" in raw:
                try:
                    cm = yaml.safe_load(raw)
                except yaml.YAMLError:
                    continue
                data_map = (cm or {}).get("data") or {}
                for i, key in enumerate(["mapRoles", "mapUsers", "mapAccounts"]):
                    value = data_map.get(key)
                    if isinstance(value, str):
                        write(out, "aws_auth", bytes([i]) + value.encode())
    configs = [
        "ignore:\n  - rule: KAR001\n    object: NodePool/default\n    reason: capped\n",
        "ignore:\n  - rule: ING001\n    path: platform.yaml\n  - rule: NOPE42\n",
        "severity:\n  ING001: error\n  KAR001: off\n  CNI001: info\n",
        "ignore: []\nseverity: {}\n",
        "ignore:\n  - rule: karpenter-nodeclass-missing\n",
    ]
    for c in configs:
        write(out, "config", c.encode())
    expressions = [
        "max_pods + 1",
        "default_enis * (ips_per_eni - 1) + 2",
        "max_pods > 110 ? 110 : max_pods",
        "(default_enis - 1) * (ips_per_eni - 1) * 16 + 2",
        "!(max_pods < 30) && default_enis >= 2 ? max_pods : 29",
        "min(max_pods, 250)",
        "-(-max_pods) % 7 / 1",
    ]
    for e in expressions:
        write(out, "max_pods_expression", e.encode())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
