"""Run a command and report its peak resident memory, measured from a small parent.

Linux keeps a process's RSS high-water mark across fork and exec: a child forked from a
large process (a pytest worker holding spaCy, say) reports at least the parent's size. This
wrapper is started with ``-S -E`` so it stays a few MB; it starts the real command itself
and reaps it with ``wait4``, whose ``ru_maxrss`` covers the command and every descendant it
waited for. Usage: ``python -S -E _peak.py REPORT_FILE CMD...``; exits with CMD's status.
"""

import os
import subprocess
import sys


def main() -> int:
    report, cmd = sys.argv[1], sys.argv[2:]
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    with open(report, "w") as handle:
        handle.write(str(usage.ru_maxrss))  # KiB on Linux
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
