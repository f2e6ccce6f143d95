#!/usr/bin/env python3
"""Writes the Debian changelog (usr/share/doc/blockpeer/changelog.Debian.gz once
cargo-deb has compressed it) from CHANGELOG.md, so that the two never disagree: one
entry per version, newest first, each of CHANGELOG.md's lines a bullet under its
heading (Added, Changed, Fixed). A version not released yet is dated now (or
SOURCE_DATE_EPOCH, for reproducible builds).

Usage: debian-changelog.py CHANGELOG.md REVISION MAINTAINER > changelog.Debian
"""

import email.utils
import os
import re
import sys
import textwrap
import time
from datetime import datetime, timezone

HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\] — (?P<date>.+)$")


def parse(text):
    """[(version, date or None, [(section, [item, …]), …]), …] in the file's order."""
    versions = []
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            date = heading["date"].strip()
            versions.append((heading["version"], date if re.fullmatch(r"\d{4}-\d\d-\d\d", date) else None, []))
        elif not versions:
            continue
        elif line.startswith("### "):
            versions[-1][2].append((line[4:].strip(), []))
        elif line.startswith("- ") and versions[-1][2]:
            versions[-1][2][-1][1].append(line[2:].strip())
        elif line.startswith("  ") and line.strip() and versions[-1][2] and versions[-1][2][-1][1]:
            items = versions[-1][2][-1][1]
            items[-1] += " " + line.strip()
    return versions


def rfc2822(date):
    """A changelog trailer's date: that day at noon UTC, or now."""
    if date:
        moment = datetime.strptime(date, "%Y-%m-%d").replace(hour=12, tzinfo=timezone.utc)
        return email.utils.format_datetime(moment)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return email.utils.format_datetime(datetime.fromtimestamp(float(epoch) if epoch else time.time(), timezone.utc))


def entry(version, date, sections, revision, maintainer):
    version_text = f"{version}-{revision}" if revision else version
    lines = [f"blockpeer ({version_text}) unstable; urgency=medium", ""]
    for section, items in sections:
        if not items:
            continue
        if len(lines) > 2:
            lines.append("")
        lines.append(f"  [ {section} ]")
        for item in items:
            item = item.replace("`", "")
            lines.extend(textwrap.wrap(
                    item,
                    width=78,
                    initial_indent="  * ",
                    subsequent_indent="    ",
                    break_long_words=False,
                    break_on_hyphens=False,
                ))
    if len(lines) == 2:
        lines.append(f"  * Blockpeer {version}.")
    lines += ["", f" -- {maintainer}  {rfc2822(date)}", ""]
    return "\n".join(lines)


def main():
    changelog, revision, maintainer = sys.argv[1:4]
    with open(changelog, encoding="utf-8") as file:
        versions = parse(file.read())
    if not versions:
        sys.exit(f"{changelog} has no '## [VERSION] — DATE' sections")
    print("\n".join(entry(v, d, s, revision, maintainer) for v, d, s in versions), end="")


if __name__ == "__main__":
    main()
