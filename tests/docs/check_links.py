#!/usr/bin/env python3
"""Checks the relative links of README.md and docs/*.md (CTest docs.links).

Fails when a link points outside the repository (such as ../shared/SPEC.md) or names a file or
directory that does not exist, and when a document names ../shared/ at all. Absolute links
(https:, mailto:) and pure anchors (#section) are not checked.

Usage: check_links.py REPOSITORY_ROOT
"""

import pathlib
import re
import sys

# [text](target) and ![alt](target), the target up to whitespace or ')'; and reference
# definitions "[label]: target".
INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.MULTILINE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def strip_code(text):
    """Drops fenced code blocks and inline code, whose brackets are not links."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    return re.sub(r"`[^`\n]*`", "", text)


def check(root):
    root = root.resolve()
    documents = [root / "README.md"] + sorted((root / "docs").glob("*.md"))
    problems = []
    for doc in documents:
        if not doc.exists():
            problems.append(f"{doc.relative_to(root)}: missing")
            continue
        raw = doc.read_text(encoding="utf-8")
        name = doc.relative_to(root)
        if "../shared/" in raw:
            problems.append(f"{name}: names ../shared/, which is not in the repository")
        text = strip_code(raw)
        for target in INLINE.findall(text) + REFERENCE.findall(text):
            if SCHEME.match(target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0].split("?", 1)[0]
            if not path:
                continue
            resolved = (root / path.lstrip("/")) if path.startswith("/") else (doc.parent / path)
            resolved = resolved.resolve()
            if resolved != root and root not in resolved.parents:
                problems.append(f"{name}: link {target} leads outside the repository")
            elif not resolved.exists():
                problems.append(f"{name}: link {target} names no file ({resolved.relative_to(root)})")
    return documents, problems


def main():
    if len(sys.argv) != 2:
        print("usage: check_links.py REPOSITORY_ROOT", file=sys.stderr)
        return 2
    documents, problems = check(pathlib.Path(sys.argv[1]))
    for problem in problems:
        print(f"docs.links: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"docs.links: {len(documents)} documents, every relative link resolves inside the repository")
    return 0


if __name__ == "__main__":
    sys.exit(main())
