#!/usr/bin/env bash
# Install the Debian packages libmedsafety needs to build and test, when
# any is missing. Runs apt-get as root, or through sudo.
# Usage: scripts/deps.sh [--force]   (--force: apt-get update + install even if all present)
set -eu
pkgs=(
	meson ninja-build pkg-config gcc g++ binutils
	libcurl4-openssl-dev libjansson-dev libyaml-dev libcmocka-dev libssl-dev
	abigail-tools python3 clang
	nginx openssl
	chromium
)
# Debian's Python modules the binding's tests use under /usr/bin/python3 (pandas, tqdm)
pkgs+=(python3-pandas python3-tqdm)
# a real Jupyter kernel for the binding's notebook test (bindings/python/tests/test_notebook.py)
pkgs+=(python3-ipykernel python3-jupyter-client)
# Extra sets for scripts that are not part of scripts/check:
# MSB_DEPS="fuzz valgrind" scripts/deps.sh (scripts/fuzz-all, scripts/valgrind).
case " ${MSB_DEPS:-} " in *" fuzz "*) pkgs+=(clang clang-14 libclang-rt-14-dev) ;; esac
case " ${MSB_DEPS:-} " in *" valgrind "*) pkgs+=(valgrind) ;; esac
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${1:-}" != "--force" ] && [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
[ ${#missing[@]} -eq 0 ] && missing=("${pkgs[@]}")
if [ "$(id -u)" -eq 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; else
	echo "deps.sh: missing packages: ${missing[*]}; install them as root" >&2; exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >&2
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
