"""What /proc says about a server's worker processes: shared by
tests/servers/cancel.py and bench/proxy_measure.py. Standard library only."""

import os


def workers(master):
    """The pids whose parent is `master` (a php-fpm or Apache master), sorted."""
    out = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            # The command name may hold spaces and ')': the fields follow the last ')'.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                out.append(int(pid))
    return sorted(out)


def status_kib(pid, field):
    """A kB field of /proc/PID/status (VmRSS, VmHWM); None when unreadable."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None
