#!/usr/bin/env bash
# Runs the Rust tests of the core (`cargo test --no-default-features`) under
# valgrind's memcheck: any leak, invalid read/write or use of uninitialised
# memory fails the run. Needs valgrind (apt-get install valgrind).
#
#   scripts/leak-check.sh            all test binaries (lib unit tests + tests/*.rs)
#   LEAK_CHECK_FILTER=seal scripts/leak-check.sh   only tests whose name matches
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null; then
  echo "valgrind is not installed (apt-get install valgrind)" >&2
  exit 2
fi

# Build the test binaries once and collect their paths from cargo's JSON output.
mapfile -t binaries < <(
  cargo test --no-default-features --no-run --message-format=json 2>/dev/null |
    node -e '
      let buf = ""
      process.stdin.on("data", (d) => (buf += d))
      process.stdin.on("end", () => {
        for (const line of buf.split("\n")) {
          if (!line.startsWith("{")) continue
          const msg = JSON.parse(line)
          if (msg.reason === "compiler-artifact" && msg.profile?.test && msg.executable) console.log(msg.executable)
        }
      })'
)
if [ "${#binaries[@]}" -eq 0 ]; then
  echo "no test binaries found" >&2
  exit 2
fi

# Known false positives, all memory still referenced at exit through a static:
# - Rust's test harness keeps the current thread's handle (std::thread::current)
#   in a thread-local;
# - the process-wide key store (src/core/key_store/process.rs, whose maps are
#   the only `SharedClockMap`s) lives in statics that are never dropped; their
#   hash tables are referenced through interior pointers, which valgrind calls
#   "possibly lost".
# Anything else, and any definite leak, fails.
suppressions="$(mktemp)"
trap 'rm -f "$suppressions"' EXIT
cat >"$suppressions" <<'SUPP'
{
   rust-std-current-thread-handle
   Memcheck:Leak
   match-leak-kinds: possible
   fun:malloc
   ...
   fun:*init_current*
}
{
   cojson-native-static-key-caches
   Memcheck:Leak
   match-leak-kinds: possible
   fun:malloc
   ...
   fun:*SharedClockMap*
}
SUPP

status=0
for binary in "${binaries[@]}"; do
  echo "== valgrind memcheck: ${binary#"$PWD"/}"
  # One test thread keeps the output readable; --error-exitcode makes any
  # memcheck error (including a definite or possible leak) fail the binary.
  if ! valgrind --quiet --suppressions="$suppressions" --leak-check=full --show-leak-kinds=definite,possible \
    --errors-for-leak-kinds=definite,possible --error-exitcode=1 \
    "$binary" --test-threads=1 ${LEAK_CHECK_FILTER:+"$LEAK_CHECK_FILTER"}; then
    echo "== FAILED: $binary" >&2
    status=1
  fi
done
if [ "$status" -eq 0 ]; then echo "== valgrind: no leaks or memory errors in ${#binaries[@]} test binaries"; fi
exit "$status"
