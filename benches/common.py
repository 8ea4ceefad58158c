"""What the bench scripts share: the generated large program and the CDK
install. Imported by all.py, scale.py and cdk.py (run from anywhere: each
puts benches/ on sys.path)."""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def release_binary():
    """The binary Cairn ships, built as `cargo build-dist` builds it
    (.cargo/config.toml: release, static, position-dependent) on Linux
    x86-64, elsewhere the plain release build; then copied, as `cargo
    install` or a download installs it, to benches/.bin (ignored by git).
    Benches time what users run. Why the copy: a binary the linker has just
    written sits in the page cache in small pieces, and every run of it
    took 0.4 ms longer (2.6 ms against 2.2 ms for a retail build) than the
    same bytes copied, or read back from disk after the cache is dropped."""
    import platform
    if platform.system() == "Linux" and platform.machine() == "x86_64":
        subprocess.run(["cargo", "build-dist", "-q"], cwd=ROOT, check=True)
        built = os.path.join(ROOT, "target", "x86_64-unknown-linux-gnu", "release", "cairn")
    else:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "cairn"], cwd=ROOT, check=True)
        built = os.path.join(ROOT, "target", "release", "cairn")
    installed = os.path.join(ROOT, "benches", ".bin", "cairn")
    os.makedirs(os.path.dirname(installed), exist_ok=True)
    if os.path.exists(installed):
        os.remove(installed)
    shutil.copy2(built, installed)
    return installed


def scale_program(n):
    """A network, a cluster, and `n` node groups of one instance type each
    (about three resources per node group)."""
    parts = ['network main {\n  zones = 3\n}\n\ncluster shop {\n  network = main\n'
             '  admins  = ["arn:aws:iam::111122223333:role/admin"]\n}\n']
    for i in range(n):
        parts.append(f'\nnodegroup pool_{i} {{\n  cluster        = shop\n  instance_types = ["m5.large"]\n'
                     f'  scaling        = {{ min = 1, max = 5 }}\n}}\n')
    return "".join(parts)


def cdk_scratch():
    """benches/.cdk with aws-cdk-lib installed (from npm, the first time; it
    is never a dependency of the project) and app.js beside it."""
    scratch = os.path.join(ROOT, "benches", ".cdk")
    if not os.path.exists(os.path.join(scratch, "node_modules", "aws-cdk-lib")):
        os.makedirs(scratch, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                        "--prefix", scratch, "aws-cdk-lib@2.276.0", "constructs@10"], check=True)
    shutil.copy(os.path.join(ROOT, "benches", "cdk", "app.js"), os.path.join(scratch, "app.js"))
    return scratch

PROBE = ("import resource,subprocess,sys; subprocess.run(sys.argv[1:], check=True, "
         "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_mb(cmd, env=None, cwd=None):
    """Peak RSS of `cmd`. GNU time forks a small C process; Python's own
    probe is kept as a fallback, but the forked copy of the interpreter
    counts there (4 MB more than cairn's own peak)."""
    if os.path.exists("/usr/bin/time"):
        with tempfile.NamedTemporaryFile("r") as f:
            subprocess.run(["/usr/bin/time", "-o", f.name, "-f", "%M"] + cmd, check=True, env=env, cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return int(f.read().split()[-1]) / 1024
    return int(subprocess.run([sys.executable, "-c", PROBE] + cmd, check=True, env=env, cwd=cwd,
                              capture_output=True, text=True).stdout) / 1024
